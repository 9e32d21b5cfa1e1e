/**
 * The send stage records a dry run in one write per ledger row (`recordDrySends`). These tests hold it to the path
 * every adapter takes — queue, claim, re-check suppression, record, settle — row for row.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../lib/store/store';
import { createLeadGenerator } from '../lib/leads/generate/generate';
import { ingestLeads } from '../lib/leads/ingest';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { suppress } from '../lib/store/suppressions';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { planSend } from '../lib/sending/eligibility';
import { enqueue } from '../lib/sending/ledger';
import { sendMessaged } from '../lib/sending/stage';
import { tempStorePath } from './support/tmp';

const N = 150; // more than one multi-row chunk, with a remainder

/** N generated leads, messaged; lead 7 is suppressed and lead 9 has no LinkedIn profile. */
function messagedStore(t: TestContext): Store {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const gen = createLeadGenerator({ seed: 5 });
  const leads = Array.from({ length: N }, () => gen.next());
  const now = new Date().toISOString();
  s.tx(() => ingestLeads(s, leads, now));
  enrichNewLeads(s);
  personalizeEnriched(s, { channels: ['email', 'linkedin'] });
  suppress(s, 'email', leads[6].email, 'unsubscribed', now);
  s.stmt("UPDATE leads SET linkedin_url = '' WHERE id = 9").run();
  return s;
}

/** The ledger as a reader sees it, minus the clock: ids, timestamps and the Date header vary between runs. */
function ledger(s: Store) {
  return s
    .stmt(
      `SELECT lead_id, channel, step, dry_run, message_id, state, attempts, next_attempt_at, claimed_by, envelope_from,
              envelope_to, rfc_message_id, headers, response, footer, error, sent_at IS NOT NULL AS has_sent_at
       FROM sends ORDER BY lead_id, channel, step`,
    )
    .all()
    .map((r): Record<string, unknown> => ({ ...r, headers: r.headers && JSON.parse(r.headers as string, (k, v) => (k === 'Date' ? 'dated' : v)) }));
}

const statuses = (s: Store) => s.stmt('SELECT id, status, status_reason FROM leads ORDER BY id').all();

test('the send stage leaves the ledger and the leads exactly as queue → claim → settle does', async (t) => {
  const viaQueue = messagedStore(t);
  const viaStage = messagedStore(t);
  const queued = await sendReady(viaQueue, { channels: ['email', 'linkedin'] }, sendingConfigFromEnv({}, { live: false }));
  const staged = await sendMessaged(viaStage, { channels: ['email', 'linkedin'] }, { batchSize: 64 });

  const rows = ledger(viaStage);
  assert.equal(rows.length, N * 2);
  assert.deepEqual(rows, ledger(viaQueue));
  assert.deepEqual(statuses(viaStage), statuses(viaQueue));
  for (const k of ['claimed', 'sent', 'simulated', 'skipped', 'failed'] as const) assert.equal(staged[k], queued[k], k);
  assert.equal(staged.simulated, N * 2 - 3, 'lead 7 on both channels and lead 9 on LinkedIn are skipped');
  assert.equal(staged.sent, 0, 'a dry run sends nothing');

  const suppressed = rows.filter((r) => r.lead_id === 7);
  assert.deepEqual(suppressed.map((r) => [r.state, r.error]), [
    ['SKIPPED', 'address suppressed: unsubscribed'],
    ['SKIPPED', 'address suppressed: unsubscribed'],
  ]);
  assert.equal(statuses(viaStage)[6].status, 'SUPPRESSED');
  const noProfile = rows.find((r) => r.lead_id === 9 && r.channel === 'linkedin');
  assert.deepEqual([noProfile?.state, noProfile?.error], ['SKIPPED', 'the lead has no LinkedIn profile URL']);
});

test('a send an adapter queued earlier goes through its queue once, and the stage records the rest once', async (t) => {
  const s = messagedStore(t);
  // What an adapter does when it names one lead: plan it, put its row in the queue, leave the drain for later.
  const item = (await planSend(s, { channel: 'email', dryRun: true, leadIds: [3] })).items[0];
  await enqueue(s, { leadId: 3, channel: 'email', step: 1, dryRun: true }, item.messageId, new Date().toISOString());
  const first = await sendMessaged(s, { channels: ['email', 'linkedin'] }, { batchSize: 64 });
  const again = await sendMessaged(s, { channels: ['email', 'linkedin'] }, { batchSize: 64 });

  assert.equal(first.simulated, N * 2 - 3);
  assert.equal(first.queued, N * 2 - 1, 'the stage wrote every row but the one already queued');
  assert.equal(again.simulated + again.queued, 0);
  assert.equal(s.stmt('SELECT count(*) AS n FROM sends').get()?.n, N * 2);
  const queuedEarlier = s.stmt("SELECT state, attempts, claimed_by FROM sends WHERE lead_id = 3 AND channel = 'email'").get();
  assert.deepEqual({ ...queuedEarlier }, { state: 'SENT', attempts: 1, claimed_by: null });
});
