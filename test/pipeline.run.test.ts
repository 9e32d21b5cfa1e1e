import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../lib/store/store';
import { createLeadGenerator } from '../lib/leads/generate/generate';
import { ingestLeads } from '../lib/leads/ingest';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { sendMessaged } from '../lib/sending/stage';
import { runPipeline, resumePipeline, NothingToResumeError } from '../lib/pipeline/pipeline';
import { requestStop, latestRun } from '../lib/store/runs';
import { getMetrics } from '../lib/metrics/metrics';
import { checkCopy } from '../lib/personalize/copyContract';
import { suppress } from '../lib/store/suppressions';
import { tempStorePath } from './support/tmp';

test('200 synthetic leads go NEW → ENRICHED → MESSAGED and a dry run, and the metrics add up (nothing counted as sent)', async (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const stages = new Set<string>();
  const r = await runPipeline(s, { leads: 200, seed: 7, channels: ['email', 'linkedin'], batchSize: 64 }, {
    onProgress: (e) => stages.add(e.stage),
  });
  assert.equal(r.status, 'DONE');
  assert.deepEqual([...stages], ['generate', 'enrich', 'personalize', 'send']);
  const m = await getMetrics(s);
  assert.equal(m.leads.total, 200);
  assert.equal(m.leads.byStatus.MESSAGED, 200, 'a dry run leaves its leads MESSAGED: nothing reached them');
  assert.equal(m.leads.byStatus.NEW + m.leads.byStatus.ENRICHED + m.leads.byStatus.SENT, 0);
  assert.equal(m.messages.total, 200 * 2 * 2, 'two channels × two variants per lead');
  assert.equal(m.sends.byState.SENT, 0);
  assert.equal(m.sends.dryRunByState.SENT, 400);
  assert.equal(m.sends.dryRun, 400);
  assert.equal(m.sends.live, 0);
  assert.deepEqual(m.funnel.map((f) => f.leads), [200, 200, 200, 0, 0]);
  assert.deepEqual(m.simulated, { leads: 200, sends: 400 });
  assert.deepEqual(r.progress.send.simulated, 400);
  assert.equal(m.health.status, 'ok');
  // Each lead's sends use the variant it was assigned.
  const mismatched = s
    .stmt('SELECT count(*) AS n FROM sends s JOIN messages m ON m.id = s.message_id JOIN leads l ON l.id = s.lead_id WHERE m.variant != l.variant')
    .get()?.n;
  assert.equal(mismatched, 0);
});

test('every stored message passes the copy contract', async (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  await runPipeline(s, { leads: 300, seed: 11, channels: ['email', 'linkedin'] });
  const rows = s.stmt('SELECT channel, variant, step, subject, body FROM messages').all();
  assert.equal(rows.length, 1200);
  for (const r of rows) {
    const violations = checkCopy({ channel: r.channel as 'email', variant: r.variant as 'A', step: r.step as number, subject: (r.subject as string) ?? null, body: r.body as string });
    assert.deepEqual(violations, [], `${r.channel}/${r.variant}: ${r.body}`);
  }
});

test('running the same pipeline again adds nothing and sends nothing twice', async (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  await runPipeline(s, { leads: 120, seed: 3, channels: ['email'] });
  const again = await runPipeline(s, { leads: 120, seed: 3, channels: ['email'] });
  assert.equal(again.progress.generate.inserted, 0);
  assert.equal(again.progress.generate.duplicates, 120);
  assert.equal(again.progress.send.simulated, 0);
  assert.equal(again.progress.send.total, 0, 'the second run has no lead left to dry-run');
  assert.equal(s.stmt('SELECT count(*) AS n FROM sends').get()?.n, 120);
});

test('a stop request is honoured at a batch boundary and the run resumes to the same end state', async (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  let batches = 0;
  const stopped = await runPipeline(s, { leads: 1000, seed: 5, channels: ['email'], batchSize: 100 }, {
    onProgress: (e) => {
      if (e.stage === 'generate' && e.done > 0 && ++batches === 3) requestStop(s);
    },
  });
  assert.equal(stopped.status, 'STOPPED');
  assert.equal(stopped.progress.generate.done, 300, 'stopped right after the third batch');
  assert.equal(s.stmt('SELECT count(*) AS n FROM leads').get()?.n, 300);
  assert.equal(latestRun(s)?.status, 'STOPPED');

  const resumed = await resumePipeline(s);
  assert.equal(resumed.status, 'DONE');
  assert.equal(resumed.resumedFrom, stopped.runId);
  assert.equal(resumed.progress.generate.inserted, 1000);
  const m = await getMetrics(s);
  assert.equal(m.leads.byStatus.MESSAGED, 1000);
  assert.equal(m.sends.dryRunByState.SENT, 1000);

  // The resumed store equals a store that ran straight through.
  const straight = openStore(tempStorePath(t));
  t.after(() => straight.close());
  await runPipeline(straight, { leads: 1000, seed: 5, channels: ['email'], batchSize: 100 });
  const emails = (x: typeof s) => x.stmt('SELECT email FROM leads ORDER BY id').all().map((r) => r.email);
  assert.deepEqual(emails(s), emails(straight));
});

test('resuming when nothing was stopped says so', async (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  await assert.rejects(resumePipeline(s), NothingToResumeError);
});

test('an aborted signal stops the run like a stop request', async (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const ac = new AbortController();
  const r = await runPipeline(s, { leads: 500, seed: 1, channels: ['email'], batchSize: 50 }, {
    onProgress: (e) => e.stage === 'generate' && e.done >= 100 && ac.abort(),
    signal: ac.signal,
  });
  assert.equal(r.status, 'STOPPED');
  assert.equal(r.progress.generate.done, 100);
});

test('an offline run, streaming each batch through every stage, leaves the store a stage-by-stage run leaves', async (t) => {
  const streamed = openStore(tempStorePath(t));
  const staged = openStore(tempStorePath(t));
  t.after(() => (streamed.close(), staged.close()));
  const N = 300;
  const gen = createLeadGenerator({ seed: 21 });
  const leads = Array.from({ length: N }, () => gen.next());
  // One person and one company opted out beforehand: their leads end SUPPRESSED, in the middle of a batch.
  const domain = leads[100].email.split('@')[1];
  const suppressedLeads = leads.filter((l, i) => i === 7 || l.email.endsWith('@' + domain)).length;
  for (const s of [streamed, staged]) {
    suppress(s, 'email', leads[7].email, 'unsubscribed', '2026-11-01T00:00:00.000Z');
    suppress(s, 'domain', domain, 'company asked', '2026-11-01T00:00:00.000Z');
  }
  const r = await runPipeline(streamed, { leads: N, seed: 21, channels: ['email', 'linkedin'], batchSize: 64 });
  assert.equal(r.progress.send.simulated, (N - suppressedLeads) * 2);
  // The run checkpoints less often while it generates, and leaves the connection as it found it.
  assert.equal(streamed.stmt('PRAGMA wal_autocheckpoint').get()!.wal_autocheckpoint, 1000);
  assert.equal(r.progress.send.skipped, suppressedLeads * 2);

  staged.tx(() => ingestLeads(staged, leads, new Date().toISOString()));
  enrichNewLeads(staged, { batchSize: 64 });
  personalizeEnriched(staged, { channels: ['email', 'linkedin'] }, { batchSize: 64 });
  await sendMessaged(staged, { channels: ['email', 'linkedin'] }, { batchSize: 64 });

  // Everything but the clock: ids, statuses, enrichments, messages and the ledger's records.
  const snapshot = (s: Store) => ({
    leads: s.stmt('SELECT id, email, variant, status, status_reason FROM leads ORDER BY id').all(),
    enrichments: s.stmt('SELECT lead_id, company_size, persona, seniority, pain_points, buying_triggers, confidence, provenance FROM enrichments ORDER BY lead_id').all(),
    messages: s.stmt('SELECT id, lead_id, channel, variant, step, subject, body, word_count, source FROM messages ORDER BY id').all(),
    sends: s
      .stmt('SELECT id, lead_id, channel, step, dry_run, message_id, state, attempts, envelope_to, rfc_message_id, headers, response FROM sends ORDER BY lead_id, channel')
      .all()
      .map((row) => ({ ...row, headers: row.headers && JSON.parse(row.headers as string, (k, v) => (k === 'Date' ? 'dated' : v)) })),
  });
  const a = snapshot(streamed);
  assert.equal(a.messages.length, N * 4);
  assert.equal(a.sends.length, N * 2);
  assert.equal(a.leads.filter((l) => l.status === 'SUPPRESSED').length, suppressedLeads);
  assert.deepEqual(a, snapshot(staged));
});
