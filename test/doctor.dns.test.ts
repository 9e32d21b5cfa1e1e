import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Resolver } from 'node:dns/promises';
import { startDnsServer, resolverFor, type DnsServer } from './support/dnsServer';
import { SENDER_ZONE } from './support/senderZone';
import { doctor, DoctorInputError, type DoctorReport } from '../lib/deliverability/doctor';

let dns: DnsServer;
let resolver: Resolver;
before(async () => {
  dns = await startDnsServer(SENDER_ZONE);
  resolver = resolverFor(dns);
});
after(() => dns.close());

const of = (r: DoctorReport, check: string) => r.findings.filter((f) => f.check === check);
const errors = (r: DoctorReport) => r.findings.filter((f) => f.severity === 'error');

test('a domain with SPF, DKIM, DMARC and MX set up passes with no errors or warnings', async () => {
  const r = await doctor('good-sender.com', { resolver });
  assert.equal(r.ok, true);
  assert.equal(r.counts.error, 0);
  assert.equal(r.counts.warning, 0);
  assert.match(of(r, 'spf')[0].message, /one SPF record, ending in "~all", 2 DNS lookup\(s\) of 10/);
  assert.deepEqual(r.records.dkim.map((k) => k.selector), ['google']);
  assert.match(r.records.dkim[0].record, /^v=DKIM1; k=rsa; p=MIIBIjAN/, 'the 255-byte chunks were joined into one record');
  assert.match(of(r, 'dmarc')[0].message, /p=quarantine, reports to mailto:dmarc@mailhost.net/);
  assert.deepEqual(r.records.mx, ['mx.mailhost.net']);
});

test('a missing DMARC record is an error whose fix is the record to publish', async () => {
  const r = await doctor('no-dmarc.com', { resolver });
  assert.equal(r.ok, false);
  assert.deepEqual(errors(r).map((f) => f.check), ['dmarc']);
  assert.match(errors(r)[0].message, /no DMARC record/);
  assert.equal(errors(r)[0].fix, 'publish a TXT record at _dmarc.no-dmarc.com: "v=DMARC1; p=none; rua=mailto:dmarc-reports@no-dmarc.com"');
});

test('an SPF record ending in +all is an error that says anyone can send as the domain', async () => {
  const r = await doctor('open-spf.com', { resolver });
  assert.deepEqual(errors(r).map((f) => f.check), ['spf']);
  assert.match(errors(r)[0].message, /"\+all".*every server/);
  assert.match(errors(r)[0].fix ?? '', /~all.*-all/);
});

test('two SPF records are an error that asks to merge them', async () => {
  const r = await doctor('two-spf.com', { resolver });
  assert.deepEqual(errors(r).map((f) => f.check), ['spf']);
  assert.match(errors(r)[0].message, /2 SPF records/);
  assert.match(errors(r)[0].fix ?? '', /merge them into a single/);
  assert.equal(r.records.spf.length, 2);
});

test('no DKIM key at any common selector is an error that names --dkim-selector', async () => {
  const r = await doctor('no-dkim.com', { resolver });
  assert.deepEqual(errors(r).map((f) => f.check), ['dkim']);
  assert.match(errors(r)[0].message, /no DKIM key found/);
  assert.match(errors(r)[0].fix ?? '', /--dkim-selector/);
  assert.ok(dns.queries.includes('TXT selector1._domainkey.no-dkim.com'));
  assert.ok(dns.queries.includes('TXT mxvault._domainkey.no-dkim.com'));
});

test('a custom DKIM selector finds the key the common ones miss', async () => {
  const r = await doctor('no-dkim.com', { resolver, dkimSelectors: ['brandx'] });
  assert.equal(r.ok, true);
  assert.deepEqual(r.records.dkim.map((k) => k.selector), ['brandx']);
});

test('DMARC p=none without rua passes the minimum but warns that no reports arrive', async () => {
  const r = await doctor('no-dkim.com', { resolver, dkimSelectors: ['brandx'] });
  const dmarc = of(r, 'dmarc');
  assert.deepEqual(dmarc.map((f) => f.severity), ['info', 'warning']);
  assert.match(dmarc[1].message, /no rua=/);
});

test('an SPF record needing more than 10 DNS lookups through its includes is an error', async () => {
  const r = await doctor('deep-spf.com', { resolver });
  assert.deepEqual(errors(r).map((f) => f.check), ['spf']);
  // 6 includes, each with "a" and "mx": 6 + 12 = 18.
  assert.match(errors(r)[0].message, /takes 18 DNS lookups; the limit is 10/);
});

test('the bulk-sender rules that DNS cannot show are listed as advice', async () => {
  const r = await doctor('good-sender.com', { resolver });
  const advice = of(r, 'bulk-sender').map((f) => f.message).join('\n');
  assert.match(advice, /one-click unsubscribe/);
  assert.match(advice, /0\.3%/);
  assert.match(advice, /alignment/);
});

test('a domain whose DNS fails is not called ok: the failed checks are marked unchecked, not errors', async () => {
  const r = await doctor('broken-dns.com', { resolver });
  assert.equal(r.ok, false);
  assert.equal(r.counts.error, 1, 'only DKIM (NXDOMAIN at every selector) is a real finding');
  assert.deepEqual(r.findings.filter((f) => f.unchecked).map((f) => f.check), ['spf', 'dmarc', 'mx']);
  assert.match(of(r, 'spf')[0].message, /ESERVFAIL/);
});

test('a domain is accepted with a trailing dot, in capitals, or as an address at it', async () => {
  for (const input of ['GOOD-SENDER.com.', 'jo@good-sender.com']) assert.equal((await doctor(input, { resolver })).domain, 'good-sender.com');
});

test('something that is not a domain is refused with what to pass instead', async () => {
  await assert.rejects(doctor('not a domain', { resolver }), (err: Error) => err instanceof DoctorInputError && /e\.g\. acme\.com/.test(err.message));
});
