/**
 * Recipient verification on both databases (one suite, two drivers): a verdict per lead with its checks and reasons,
 * one DNS lookup per domain, the limit, and the verdict erased with its lead — on a SQLite file and on the PostgreSQL
 * store of n8n queue mode, against a real DNS server on loopback.
 */
import assert from 'node:assert/strict';
import { startDnsServer, resolverFor } from './support/dnsServer';
import { bothDrivers } from './support/stores';
import type { Db } from '../lib/store/db';
import { ingestLeadsOn } from '../lib/leads/ingest';
import { verifyLeads, verificationOn } from '../lib/deliverability/verifyLeads';
import { eraseEmail } from '../lib/leads/erase';
import type { LeadInput } from '../lib/types';

function lead(email: string): LeadInput {
  const domain = email.slice(email.indexOf('@') + 1);
  return {
    firstName: 'Sam', lastName: 'Lee', email, title: 'Head of Operations', company: 'Co', website: `https://${domain}`,
    linkedinUrl: '', industry: 'SaaS', country: 'Germany', timezone: 'Europe/Berlin', synthetic: false, source: 'test',
  };
}

async function seed(store: Db, emails: string[]): Promise<number[]> {
  return (await store.transaction((t) => ingestLeadsOn(t, emails.map(lead), '2026-11-25T00:00:00.000Z'))).inserted.map((r) => r.id);
}

const ZONE = {
  'northwind-traders.com': { MX: [{ exchange: 'mx.northwind-traders.com', priority: 10 }] },
  'flaky-dns.com': { fail: 'SERVFAIL' as const },
};

bothDrivers('verifyLeads records one verdict per lead, with its checks and reasons', async (t, store) => {
  const dns = await startDnsServer(ZONE);
  t.after(() => dns.close());
  const [good, role, gone, synthetic, flaky] = await seed(store, [
    'jo@northwind-traders.com', 'sales@northwind-traders.com', 'x@nowhere-at-all.com', 'ana@acme.example', 'li@flaky-dns.com',
  ]);
  const tally = await verifyLeads(store, { resolver: resolverFor(dns), now: () => new Date('2026-11-25T10:00:00Z') });
  assert.equal(tally.checked, 5);
  assert.deepEqual(tally.byVerdict, { deliverable: 1, risky: 2, undeliverable: 2 });
  assert.equal((await verificationOn(store, good))?.verdict, 'deliverable');
  assert.equal((await verificationOn(store, role))?.verdict, 'risky');
  assert.deepEqual((await verificationOn(store, role))?.checks, { syntax: true, mx: 'found', disposable: false, role: true });
  assert.equal((await verificationOn(store, gone))?.verdict, 'undeliverable');
  assert.deepEqual((await verificationOn(store, synthetic))?.reasons, ['reserved domain (synthetic lead)']);
  assert.equal((await verificationOn(store, flaky))?.verdict, 'risky');
  assert.equal((await verificationOn(store, good))?.checkedAt, '2026-11-25T10:00:00.000Z');
});

bothDrivers('verifyLeads looks each domain up once per call, however many leads share it', async (t, store) => {
  const dns = await startDnsServer(ZONE);
  t.after(() => dns.close());
  await seed(store, Array.from({ length: 30 }, (_, i) => `person${i}@northwind-traders.com`));
  const tally = await verifyLeads(store, { resolver: resolverFor(dns), concurrency: 6 });
  assert.equal(tally.checked, 30);
  assert.equal(tally.domainsLookedUp, 1);
  assert.deepEqual(dns.queries, ['MX northwind-traders.com']);
});

bothDrivers('verifyLeads honours the limit and carries on with the unverified leads on the next call', async (t, store) => {
  const dns = await startDnsServer(ZONE);
  t.after(() => dns.close());
  const ids = await seed(store, ['a@northwind-traders.com', 'b@northwind-traders.com', 'c@northwind-traders.com']);
  const resolver = resolverFor(dns);
  assert.deepEqual((await verifyLeads(store, { resolver, limit: 2 })).results.map((r) => r.leadId), ids.slice(0, 2));
  assert.deepEqual((await verifyLeads(store, { resolver, limit: 2 })).results.map((r) => r.leadId), ids.slice(2));
  assert.equal((await verifyLeads(store, { resolver })).checked, 0);
  assert.equal((await verifyLeads(store, { resolver, recheck: true })).checked, 3);
});

bothDrivers('a verdict is erased with its lead', async (t, store) => {
  const dns = await startDnsServer(ZONE);
  t.after(() => dns.close());
  const [id] = await seed(store, ['jo@northwind-traders.com']);
  await verifyLeads(store, { resolver: resolverFor(dns) });
  assert.notEqual((await verificationOn(store, id)), null);
  await eraseEmail(store, 'jo@northwind-traders.com');
  assert.deepEqual(await store.all('SELECT count(*) FROM verifications'), [[0]]);
});
