/**
 * Sending on both databases (one suite, two drivers): the drain and `sendReady` over a SQLite file and over
 * PostgreSQL, to the real SMTP test server — how each server answer leaves the ledger and the lead, suppression
 * checked after the claim, the bounce-rate pause, a daily cap, and a dry run that sends nothing.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { sendQueued, type EmailTransport } from '../lib/sending/drain';
import { createSmtpTransport } from '../lib/sending/smtp';
import { enqueue } from '../lib/sending/ledger';
import { DEFAULT_LIMITS, resumeMailbox } from '../lib/sending/limits';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { unsubscribeLead } from '../lib/inbound/unsubscribe';
import { emailHash, suppressOn } from '../lib/store/suppressions';
import type { Db } from '../lib/store/db';
import { COMPLIANCE, LIVE_TEST_DOMAIN, liveEnv } from './support/liveLeads';
import { startSmtp, type TestSmtp } from './support/smtpServer';
import { bothDrivers, openForTest, seedLeadsWithMessages, sendStates } from './support/stores';

const SENDER = { name: 'Alex Sender', email: 'alex@sender.leadflow-test.net' };

async function liveLeads(t: TestContext, store: Db, n: number): Promise<{ leads: number[]; smtp: TestSmtp; transport: ReturnType<typeof createSmtpTransport> }> {
  const { leads, messages } = await seedLeadsWithMessages(store, n, { domain: LIVE_TEST_DOMAIN, synthetic: false });
  const now = new Date().toISOString();
  await store.transaction(async (tx) => {
    for (const [i, m] of messages.entries()) await enqueue(tx, { leadId: leads[i], channel: 'email', step: 1, dryRun: false }, m, now);
  });
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, from: SENDER, timeoutMs: 2_000 });
  t.after(() => transport.close());
  return { leads, smtp, transport };
}

const live = (transport: EmailTransport) => ({ dryRun: false, transport, sender: SENDER, compliance: COMPLIANCE, retryBaseMs: 60_000 });

async function leadState(db: Db, id: number): Promise<[unknown, unknown]> {
  const r = (await db.get('SELECT status, status_reason FROM leads WHERE id = ?', [id]))!;
  return [r[0], r[1]];
}

bothDrivers('each server answer leaves its ledger row and its lead where it should, and the others go through', async (t, store) => {
  const { leads, smtp, transport } = await liveLeads(t, store, 4);
  smtp.faults.set(`p0@${LIVE_TEST_DOMAIN}`, [{ at: 'rcpt', code: 550, message: '550 5.1.1 mailbox unavailable' }]);
  smtp.faults.set(`p1@${LIVE_TEST_DOMAIN}`, [{ at: 'rcpt', code: 451 }]);
  smtp.faults.set(`p2@${LIVE_TEST_DOMAIN}`, [{ at: 'drop-after-data' }]);
  const tally = await sendQueued(store, live(transport));
  assert.deepEqual({ sent: tally.sent, failed: tally.failed, requeued: tally.requeued, unknown: tally.unknown, stillQueued: tally.stillQueued }, { sent: 1, failed: 1, requeued: 1, unknown: 1, stillQueued: 1 });
  const rows = Object.fromEntries((await store.all('SELECT lead_id, state, next_attempt_at FROM sends ORDER BY lead_id')).map((r) => [Number(r[0]), [r[1], r[2]]]));
  assert.equal(rows[leads[0]][0], 'FAILED');
  assert.equal(rows[leads[1]][0], 'QUEUED');
  assert.ok(Date.parse(String(rows[leads[1]][1])) > Date.now(), 'the retry is due later');
  assert.equal(rows[leads[2]][0], 'UNKNOWN');
  assert.equal(rows[leads[3]][0], 'SENT');
  assert.deepEqual((await leadState(store, leads[0]))[0], 'FAILED');
  assert.match(String((await leadState(store, leads[1]))[1]), /live send waiting to retry/);
  assert.match(String((await leadState(store, leads[2]))[1]), /outcome UNKNOWN/);
  assert.deepEqual(await leadState(store, leads[3]), ['SENT', null]);
  // The server got p3 and (the drop came after DATA) p2: nothing else.
  assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), [`p2@${LIVE_TEST_DOMAIN}`, `p3@${LIVE_TEST_DOMAIN}`]);
});

bothDrivers('an unsubscribe recorded through another connection while a send is in flight stops every later send to that address', async (t, store) => {
  const { leads, smtp, transport } = await liveLeads(t, store, 3);
  // Another worker's connection to the same store (a test database's URL has no password, so its location is its URL).
  const other = await openForTest(t, store.dialect === 'sqlite' ? store.path : store.location);
  let first = true;
  const slow: EmailTransport = {
    async deliver(mail) {
      if (first) {
        first = false;
        // One row is in flight; the third lead unsubscribes before its turn comes.
        assert.deepEqual(await sendStates(store), { QUEUED: 2, SENDING: 1 });
        const r = await unsubscribeLead(other, leads[2], 'unsubscribed (test)');
        assert.ok(r.ok && r.cancelledSends === 1);
      }
      return transport.deliver(mail);
    },
  };
  const tally = await sendQueued(store, { ...live(slow), concurrency: 1 });
  assert.equal(tally.sent, 2);
  assert.equal(tally.stillQueued, 0);
  assert.deepEqual(smtp.received.map((m) => m.to[0]), [`p0@${LIVE_TEST_DOMAIN}`, `p1@${LIVE_TEST_DOMAIN}`]);
  assert.deepEqual(await leadState(store, leads[2]), ['SUPPRESSED', 'unsubscribed (test)']);
  assert.deepEqual(await store.get('SELECT state, error FROM sends WHERE lead_id = ?', [leads[2]]), ['SKIPPED', 'unsubscribed (test)']);
});

bothDrivers('a list that hard-bounces past the threshold pauses every mailbox until a person resumes it', async (t, store) => {
  const { smtp, transport } = await liveLeads(t, store, 30);
  const limits = { ...DEFAULT_LIMITS, ratePerMinute: 0, dailyCap: 0 };
  await sendQueued(store, { ...live(transport), limits, limit: 20 });
  assert.equal(smtp.received.length, 20);
  await store.run("UPDATE leads SET status = 'BOUNCED' WHERE email IN (?, ?)", [`p0@${LIVE_TEST_DOMAIN}`, `p1@${LIVE_TEST_DOMAIN}`]);
  const paused = await sendQueued(store, { ...live(transport), limits });
  assert.equal(paused.sent, 0);
  assert.match(String(paused.limitedBy), /paused: 2 of the last 20 live sends hard-bounced \(10\.0%/);
  assert.equal(await resumeMailbox(store), 1);
  assert.equal((await sendQueued(store, { ...live(transport), limits: { ...limits, bounceThreshold: 0 } })).sent, 10);
});

bothDrivers('a dry run records and sends nothing, skipping a suppressed address; sendReady live then holds a daily cap and says so', async (t, store) => {
  const { leads } = await seedLeadsWithMessages(store, 5, { domain: LIVE_TEST_DOMAIN, synthetic: false });
  await store.transaction((tx) => suppressOn(tx, 'email', `p4@${LIVE_TEST_DOMAIN}`, 'asked not to be mailed (test)', new Date().toISOString()));
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const dry = await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({ ...liveEnv(smtp.port) }, { live: false }));
  assert.deepEqual([dry.simulated, dry.skipped], [4, 1]);
  assert.equal(smtp.received.length, 0);
  assert.deepEqual(
    await store.all('SELECT status, status_reason FROM leads ORDER BY id'),
    [...Array(4).fill(['MESSAGED', null]), ['SUPPRESSED', 'address suppressed: asked not to be mailed (test)']],
    'a dry run moves nobody it recorded, and the suppressed lead says so',
  );
  const r = await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv(liveEnv(smtp.port, { DAILY_SEND_CAP: '3' }), { live: true }));
  assert.equal(r.sent, 3);
  assert.match(String(r.limitedBy), /daily cap of 3/);
  assert.equal(smtp.received.length, 3);
  assert.deepEqual(
    (await store.all("SELECT lead_id FROM sends WHERE dry_run = 0 AND state = 'SENT' ORDER BY lead_id")).map((x) => Number(x[0])),
    leads.slice(0, 3),
  );
  assert.deepEqual(await sendStates(store), { QUEUED: 1, SENT: 7, SKIPPED: 1 });
});

bothDrivers('a live send of named leads leaves out those suppressed now — by address in any case, by domain, by an erased hash — and says why', async (t, store) => {
  const { leads } = await seedLeadsWithMessages(store, 3, { domain: LIVE_TEST_DOMAIN, synthetic: false });
  const other = await seedLeadsWithMessages(store, 1, { domain: `other.${LIVE_TEST_DOMAIN}`, synthetic: false });
  const erased = await seedLeadsWithMessages(store, 1, { domain: `erased.${LIVE_TEST_DOMAIN}`, synthetic: false });
  const now = new Date().toISOString();
  await store.transaction(async (tx) => {
    await suppressOn(tx, 'email', `P1@${LIVE_TEST_DOMAIN.toUpperCase()}`, 'asked not to be mailed (test)', now);
    await suppressOn(tx, 'domain', `other.${LIVE_TEST_DOMAIN}`, 'the company asked (test)', now);
    await suppressOn(tx, 'email_sha256', emailHash(`p0@erased.${LIVE_TEST_DOMAIN}`), 'erased (test)', now);
  });
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const named = [...leads, ...other.leads, ...erased.leads];
  const r = await sendReady(store, { channels: ['email'], leadIds: named }, sendingConfigFromEnv(liveEnv(smtp.port), { live: true }));
  assert.deepEqual(r.excluded, { synthetic: 0, suppressed: 3 });
  assert.deepEqual(
    r.unplanned.map((u) => [u.leadId, u.reason]).sort(([a], [b]) => Number(a) - Number(b)),
    [
      [leads[1], 'address suppressed: asked not to be mailed (test)'],
      [other.leads[0], 'domain suppressed: the company asked (test)'],
      [erased.leads[0], 'address suppressed: erased (test)'],
    ],
  );
  assert.equal(r.sent, 2);
  assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), [`p0@${LIVE_TEST_DOMAIN}`, `p2@${LIVE_TEST_DOMAIN}`]);
  assert.deepEqual(await store.all('SELECT count(*) FROM sends WHERE lead_id IN (?, ?, ?)', [leads[1], other.leads[0], erased.leads[0]]), [[0]], 'nothing queued for them');
});
