import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDnsServer, resolverFor } from './support/dnsServer';
import { tempStorePath } from './support/tmp';
import { openStore, type Store } from '../lib/store/store';
import { ingestLeads } from '../lib/leads/ingest';
import { verifyLeads, getVerification } from '../lib/deliverability/verifyLeads';
import { eraseEmail } from '../lib/leads/erase';
import type { LeadInput } from '../lib/types';

function lead(email: string): LeadInput {
  const domain = email.slice(email.indexOf('@') + 1);
  return {
    firstName: 'Sam', lastName: 'Lee', email, title: 'Head of Operations', company: 'Co', website: `https://${domain}`,
    linkedinUrl: '', industry: 'SaaS', country: 'Germany', timezone: 'Europe/Berlin', synthetic: false, source: 'test',
  };
}

function seed(store: Store, emails: string[]): number[] {
  return ingestLeads(store, emails.map(lead), '2026-11-25T00:00:00.000Z').inserted.map((r) => r.id);
}

const ZONE = {
  'northwind-traders.com': { MX: [{ exchange: 'mx.northwind-traders.com', priority: 10 }] },
  'flaky-dns.com': { fail: 'SERVFAIL' as const },
};

test('verifyLeads records one verdict per lead, with its checks and reasons', async (t) => {
  const dns = await startDnsServer(ZONE);
  t.after(() => dns.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const [good, role, gone, synthetic, flaky] = seed(store, [
    'jo@northwind-traders.com', 'sales@northwind-traders.com', 'x@nowhere-at-all.com', 'ana@acme.example', 'li@flaky-dns.com',
  ]);
  const tally = await verifyLeads(store, { resolver: resolverFor(dns), now: () => new Date('2026-11-25T10:00:00Z') });
  assert.equal(tally.checked, 5);
  assert.deepEqual(tally.byVerdict, { deliverable: 1, risky: 2, undeliverable: 2 });
  assert.equal(getVerification(store, good)?.verdict, 'deliverable');
  assert.equal(getVerification(store, role)?.verdict, 'risky');
  assert.deepEqual(getVerification(store, role)?.checks, { syntax: true, mx: 'found', disposable: false, role: true });
  assert.equal(getVerification(store, gone)?.verdict, 'undeliverable');
  assert.deepEqual(getVerification(store, synthetic)?.reasons, ['reserved domain (synthetic lead)']);
  assert.equal(getVerification(store, flaky)?.verdict, 'risky');
  assert.equal(getVerification(store, good)?.checkedAt, '2026-11-25T10:00:00.000Z');
});

test('verifyLeads looks each domain up once per call, however many leads share it', async (t) => {
  const dns = await startDnsServer(ZONE);
  t.after(() => dns.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  seed(store, Array.from({ length: 30 }, (_, i) => `person${i}@northwind-traders.com`));
  const tally = await verifyLeads(store, { resolver: resolverFor(dns), concurrency: 6 });
  assert.equal(tally.checked, 30);
  assert.equal(tally.domainsLookedUp, 1);
  assert.deepEqual(dns.queries, ['MX northwind-traders.com']);
});

test('verifyLeads honours the limit and carries on with the unverified leads on the next call', async (t) => {
  const dns = await startDnsServer(ZONE);
  t.after(() => dns.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const ids = seed(store, ['a@northwind-traders.com', 'b@northwind-traders.com', 'c@northwind-traders.com']);
  const resolver = resolverFor(dns);
  assert.deepEqual((await verifyLeads(store, { resolver, limit: 2 })).results.map((r) => r.leadId), ids.slice(0, 2));
  assert.deepEqual((await verifyLeads(store, { resolver, limit: 2 })).results.map((r) => r.leadId), ids.slice(2));
  assert.equal((await verifyLeads(store, { resolver })).checked, 0);
  assert.equal((await verifyLeads(store, { resolver, recheck: true })).checked, 3);
});

test('a verdict is erased with its lead', async (t) => {
  const dns = await startDnsServer(ZONE);
  t.after(() => dns.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const [id] = seed(store, ['jo@northwind-traders.com']);
  await verifyLeads(store, { resolver: resolverFor(dns) });
  assert.notEqual(getVerification(store, id), null);
  await eraseEmail(store, 'jo@northwind-traders.com');
  assert.equal(store.stmt('SELECT count(*) AS n FROM verifications').get()?.n, 0);
});
