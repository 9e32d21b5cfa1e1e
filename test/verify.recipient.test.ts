import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDnsServer, resolverFor, type DnsServer } from './support/dnsServer';
import { verifyRecipient, verificationPolicyAllows, RESERVED_REASON } from '../lib/deliverability/verify';
import type { Resolver } from 'node:dns/promises';

let dns: DnsServer;
let resolver: Resolver;

before(async () => {
  dns = await startDnsServer({
    'northwind-traders.com': { MX: [{ exchange: 'mx2.northwind-traders.com', priority: 20 }, { exchange: 'mx1.northwind-traders.com', priority: 10 }] },
    'bare-host.io': { A: ['192.0.2.10'] },
    'v6-only.io': { AAAA: ['2001:db8::1'] },
    'parked-name.com': { TXT: ['v=spf1 -all'] },
    'no-mail.org': { MX: [{ exchange: '', priority: 0 }] },
    'flaky-dns.com': { fail: 'SERVFAIL' },
    'slow-dns.com': { fail: 'timeout' },
    'mailinator.com': { MX: [{ exchange: 'mail.mailinator.com', priority: 10 }] },
  });
  resolver = resolverFor(dns);
});
after(() => dns.close());

test('an address whose domain has MX records is deliverable', async () => {
  const r = await verifyRecipient('Jane.Doe@Northwind-Traders.com', { resolver });
  assert.equal(r.verdict, 'deliverable');
  assert.deepEqual(r.checks, { syntax: true, mx: 'found', disposable: false, role: false });
  assert.deepEqual(r.reasons, []);
  assert.equal(r.email, 'jane.doe@northwind-traders.com');
});

test('a domain without MX but with an A record is deliverable through the implicit MX (RFC 5321 §5.1)', async () => {
  const r = await verifyRecipient('ops.lead@bare-host.io', { resolver });
  assert.equal(r.verdict, 'deliverable');
  assert.equal(r.checks.mx, 'address-only');
});

test('a domain with only an AAAA record also counts as an implicit MX', async () => {
  const r = await verifyRecipient('kim@v6-only.io', { resolver });
  assert.equal(r.verdict, 'deliverable');
  assert.equal(r.checks.mx, 'address-only');
});

test('a domain that does not exist is undeliverable', async () => {
  const r = await verifyRecipient('someone@never-registered-name.com', { resolver });
  assert.equal(r.verdict, 'undeliverable');
  assert.equal(r.checks.mx, 'none');
  assert.match(r.reasons[0], /no MX record and no A\/AAAA address/);
});

test('a domain that exists but has neither MX nor address records is undeliverable', async () => {
  const r = await verifyRecipient('someone@parked-name.com', { resolver });
  assert.equal(r.verdict, 'undeliverable');
  assert.equal(r.checks.mx, 'none');
});

test('a null MX (RFC 7505) makes the address undeliverable', async () => {
  const r = await verifyRecipient('someone@no-mail.org', { resolver });
  assert.equal(r.verdict, 'undeliverable');
  assert.equal(r.checks.mx, 'null-mx');
  assert.match(r.reasons[0], /accepts no email/);
});

test('a SERVFAIL makes the address risky, not undeliverable', async () => {
  const r = await verifyRecipient('someone@flaky-dns.com', { resolver });
  assert.equal(r.verdict, 'risky');
  assert.equal(r.checks.mx, 'lookup-failed');
  assert.match(r.reasons[0], /ESERVFAIL.*try again later/);
});

test('a DNS timeout makes the address risky, not undeliverable', async () => {
  const r = await verifyRecipient('someone@slow-dns.com', { resolver });
  assert.equal(r.verdict, 'risky');
  assert.match(r.reasons[0], /ETIMEOUT/);
});

test('a disposable mail domain is undeliverable even though it has MX records, and is not looked up', async () => {
  const asked = dns.queries.length;
  const r = await verifyRecipient('temp123@mailinator.com', { resolver });
  assert.equal(r.verdict, 'undeliverable');
  assert.equal(r.checks.disposable, true);
  assert.match(r.reasons[0], /disposable/);
  assert.equal(dns.queries.length, asked);
});

test('a role account on a good domain is risky and says why', async () => {
  for (const local of ['info', 'sales', 'support', 'admin', 'noreply', 'sales+emea']) {
    const r = await verifyRecipient(`${local}@northwind-traders.com`, { resolver });
    assert.equal(r.verdict, 'risky', local);
    assert.equal(r.checks.role, true, local);
    assert.match(r.reasons[0], /role account/);
  }
  assert.equal((await verifyRecipient('sally@northwind-traders.com', { resolver })).checks.role, false);
});

test('a reserved domain is undeliverable as a synthetic lead and never reaches DNS', async () => {
  const asked = dns.queries.length;
  for (const email of ['ana@acme.example', 'bo@shop.test', 'cy@x.invalid', 'di@host.localhost', 'ed@example.com']) {
    const r = await verifyRecipient(email, { resolver });
    assert.equal(r.verdict, 'undeliverable', email);
    assert.deepEqual(r.reasons, [RESERVED_REASON], email);
    assert.equal(r.checks.mx, 'skipped');
  }
  assert.equal(dns.queries.length, asked);
});

test('a malformed address is undeliverable without a DNS lookup', async () => {
  const asked = dns.queries.length;
  for (const email of ['no-at-sign', 'two@@northwind-traders.com', 'x@nodot', '.lead@northwind-traders.com']) {
    const r = await verifyRecipient(email, { resolver });
    assert.equal(r.verdict, 'undeliverable', email);
    assert.equal(r.checks.syntax, false, email);
  }
  assert.equal(dns.queries.length, asked);
});

test('a shared cache looks each domain up once across many addresses', async () => {
  const cache = new Map();
  const asked = dns.queries.length;
  await Promise.all(['a', 'b', 'c', 'd'].map((n) => verifyRecipient(`${n}@northwind-traders.com`, { resolver, mailHostCache: cache })));
  assert.deepEqual(dns.queries.slice(asked), ['MX northwind-traders.com']);
});

test('the policy allows risky addresses only under allow-risky, and never undeliverable or unverified ones', () => {
  assert.equal(verificationPolicyAllows('deliverable', 'deliverable-only'), true);
  assert.equal(verificationPolicyAllows('risky', 'deliverable-only'), false);
  assert.equal(verificationPolicyAllows('risky', 'allow-risky'), true);
  assert.equal(verificationPolicyAllows('undeliverable', 'allow-risky'), false);
  assert.equal(verificationPolicyAllows(null, 'allow-risky'), false);
});
