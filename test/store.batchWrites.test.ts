import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../lib/store/store';
import { insertLead } from '../lib/store/leads';
import { advanceLeads, moveLead } from '../lib/leads/lifecycle';
import { saveEnrichment, saveEnrichments, getEnrichment } from '../lib/store/enrichments';
import { FingerprintSet } from '../lib/leads/generate/fingerprintSet';
import { movesNow, movesAtEnd, type LeadMoves } from '../lib/leads/leadMoves';
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
  moveLead(s, ids[3], 'SUPPRESSED', now, 'unsubscribed');
  moveLead(s, ids[150], 'FAILED', now, 'x');
  const moved = s.tx(() => advanceLeads(s, ids, 'NEW', 'ENRICHED', now));
  assert.equal(moved, 198);
  const by = Object.fromEntries(s.stmt('SELECT status, count(*) AS n FROM leads GROUP BY status').all().map((r) => [r.status, r.n]));
  assert.deepEqual(by, { ENRICHED: 198, FAILED: 1, SUPPRESSED: 1 });
});

test('moves kept in hand to the end of a transaction leave the store as moves written at once', (t) => {
  const now_ = openStore(tempStorePath(t));
  const atEnd = openStore(tempStorePath(t));
  t.after(() => (now_.close(), atEnd.close()));
  // What a streamed batch does: every stage's moves on the leads it inserted, some failing or suppressed on the way.
  const stages = (m: LeadMoves, ids: number[]) => {
    const counts = [m.advance(ids, 'NEW', 'ENRICHED')];
    m.set(ids[5], 'FAILED', 'copy contract: email/A: no call to action');
    counts.push(m.advance(ids.filter((id) => id !== ids[5]), 'ENRICHED', 'MESSAGED'));
    m.set(ids[7], 'SUPPRESSED', 'suppressed: unsubscribed');
    counts.push(m.advance(ids.slice(0, 150), 'MESSAGED', 'SENT'));
    counts.push(m.advance(ids, 'MESSAGED', 'SENT')); // the rest of the batch, once
    counts.push(m.advance([ids[7]], 'MESSAGED', 'SENT')); // suppressed: not in MESSAGED any more
    return counts;
  };
  const counted = [now_, atEnd].map((s) =>
    s.tx(() => {
      const ids = Array.from({ length: 200 }, (_, i) => insertLead(s, lead(i), now)!);
      ids.push(insertLead(s, lead(200), now)!); // a lead no stage moves stays NEW
      const batch = ids.slice(0, 200);
      if (s === now_) return stages(movesNow(s, now), batch);
      const m = movesAtEnd(s, now, ids);
      const c = stages(m, batch);
      assert.equal(s.stmt("SELECT count(*) AS n FROM leads WHERE status = 'NEW'").get()!.n, 201, 'nothing is written before write()');
      m.write();
      return c;
    }),
  );
  assert.deepEqual(counted[1], counted[0]);
  assert.deepEqual(counted[0], [200, 199, 148, 50, 0]);
  const rows = (s: typeof now_) => s.stmt('SELECT id, status, status_reason, updated_at FROM leads ORDER BY id').all();
  assert.deepEqual(rows(atEnd), rows(now_));
  const by = Object.fromEntries(atEnd.stmt('SELECT status, count(*) AS n FROM leads GROUP BY status').all().map((r) => [r.status, r.n]));
  assert.deepEqual(by, { SENT: 198, FAILED: 1, SUPPRESSED: 1, NEW: 1 });
  assert.throws(() => movesAtEnd(atEnd, now, [1, 2]).advance([3], 'NEW', 'ENRICHED'), /lead 3 is not one of this batch's leads/);
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
