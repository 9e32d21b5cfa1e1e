import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../lib/store/store';
import { insertLead, advanceLeadStatuses, setLeadStatus } from '../lib/store/leads';
import { saveEnrichment, saveEnrichments, getEnrichment } from '../lib/store/enrichments';
import { FingerprintSet } from '../lib/leads/fingerprintSet';
import { enrichByRules } from '../lib/enrich/rules';
import { tempStorePath } from './support/tmp';

const now = '2026-11-25T00:00:00.000Z';
const lead = (i: number) => ({
  email: `p${i}@batch.example`, firstName: 'P', lastName: String(i), title: i % 2 ? 'CTO' : 'VP Operations', company: `Batch ${i}`,
  companyDomain: 'batch.example', website: 'https://batch.example', linkedinUrl: '', industry: 'Technology', country: 'Germany',
  timezone: 'Europe/Berlin', synthetic: true, source: 'test', variant: 'A' as const,
});

test('a batch status move changes only the leads still in the starting status', (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const ids = s.tx(() => Array.from({ length: 200 }, (_, i) => insertLead(s, lead(i), now)!));
  // Another process moved two of them meanwhile.
  setLeadStatus(s, ids[3], 'SUPPRESSED', now, 'unsubscribed');
  setLeadStatus(s, ids[150], 'FAILED', now, 'x');
  const moved = s.tx(() => advanceLeadStatuses(s, ids, 'NEW', 'ENRICHED', now));
  assert.equal(moved, 198);
  const by = Object.fromEntries(s.stmt('SELECT status, count(*) AS n FROM leads GROUP BY status').all().map((r) => [r.status, r.n]));
  assert.deepEqual(by, { ENRICHED: 198, FAILED: 1, SUPPRESSED: 1 });
});

test('batched enrichment writes store exactly what one-row writes store', (t) => {
  const a = openStore(tempStorePath(t));
  const b = openStore(tempStorePath(t));
  t.after(() => (a.close(), b.close()));
  const n = 150; // more than one multi-row chunk, and a remainder
  for (const s of [a, b]) s.tx(() => Array.from({ length: n }, (_, i) => insertLead(s, lead(i), now)));
  const items = Array.from({ length: n }, (_, i) => ({ leadId: i + 1, enrichment: enrichByRules(lead(i)) }));
  a.tx(() => items.forEach((x) => saveEnrichment(a, x.leadId, x.enrichment, now)));
  b.tx(() => saveEnrichments(b, items, now));
  for (let id = 1; id <= n; id++) assert.deepEqual(getEnrichment(b, id), getEnrichment(a, id));
});

test('the fingerprint set remembers every member across growth and reports no false absences', () => {
  const set = new FingerprintSet();
  const members = Array.from({ length: 50_000 }, (_, i) => `company-${i}.example`);
  for (const m of members) {
    assert.equal(set.has(m), false);
    set.add(m);
  }
  for (const m of members) assert.equal(set.has(m), true);
  let falsePositives = 0;
  for (let i = 0; i < 50_000; i++) if (set.has(`other-${i}.example`)) falsePositives++;
  assert.equal(falsePositives, 0);
});
