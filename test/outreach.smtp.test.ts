/**
 * The live sender on both databases (one suite, two drivers): what reaches the SMTP test server, how each server
 * answer leaves the ledger, unsubscribe, suppression after the claim, verification and the bounce-rate pause — on a
 * SQLite file and on PostgreSQL alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../lib/store/db';
import { sendQueued, LiveSendRefused } from '../lib/sending/drain';
import { createSmtpTransport } from '../lib/sending/smtp';
import { previewEmail } from '../lib/sending/preview';
import { unsubscribeByToken, unsubscribeToken, verifyUnsubscribeToken } from '../lib/inbound/unsubscribe';
import { runPipeline } from '../lib/pipeline/pipeline';
import { enqueue } from '../lib/sending/ledger';
import { queueLiveLeads, liveSetup, liveSetupOn, COMPLIANCE, LIVE_TEST_DOMAIN } from './support/liveLeads';
import { bothDrivers } from './support/stores';
import type { AnyStore } from '../lib/store/openDb';
import { startDnsServer, resolverFor } from './support/dnsServer';
import { verifyLeads } from '../lib/deliverability/verifyLeads';
import { recordEvent } from '../lib/inbound/events';
import { emailHash } from '../lib/store/suppressions';
import { DEFAULT_LIMITS, resumeMailbox } from '../lib/sending/limits';

const SENDER = { name: 'Alex Sender', email: 'alex@sender.leadflow-test.net' };

const setup = (t: import('node:test').TestContext, store: AnyStore) => liveSetupOn(t, store, SENDER);

const live = (transport: ReturnType<typeof createSmtpTransport>) => ({
  dryRun: false,
  transport,
  sender: SENDER,
  compliance: COMPLIANCE,
  retryBaseMs: 1_000,
});

const states = async (db: Db) => Object.fromEntries((await db.all('SELECT state, count(*) AS n FROM sends GROUP BY state')).map((r) => [String(r[0]), r[1]]));

bothDrivers('live sends reach the SMTP server byte-for-byte as the preview composes them', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  const ids = await queueLiveLeads(store, 3);
  const tally = await sendQueued(store, live(transport));
  assert.equal(tally.sent, 3);
  assert.equal(smtp.received.length, 3);
  for (const id of ids) {
    const p = await previewEmail(store, id);
    assert.equal(p.basis, 'ledger');
    assert.equal(p.dryRun, false);
    const wire = smtp.received.find((m) => m.to[0] === p.record.envelope.to);
    assert.ok(wire, `the server received mail for ${p.record.envelope.to}`);
    // smtp-server hands over the body with dot-stuffing undone and CRLF line ends, as sent by the composer.
    assert.equal(wire!.raw.toString('utf8').replace(/\r\n$/, ''), p.mime.toString('utf8').replace(/\r\n$/, ''));
    assert.equal(wire!.from, SENDER.email);
  }
});

bothDrivers('every live email carries one-click unsubscribe headers, a signed link and the postal address', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  const [id] = await queueLiveLeads(store, 1);
  await sendQueued(store, live(transport));
  const raw = smtp.received[0].raw.toString('utf8').replace(/\r\n[ \t]+/g, ' ');
  const token = unsubscribeToken({ id, email: `p0@${LIVE_TEST_DOMAIN}` }, COMPLIANCE.secret);
  assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
  assert.ok(raw.includes(`List-Unsubscribe: <${COMPLIANCE.unsubscribeBaseUrl}?token=${encodeURIComponent(token)}>`), raw);
  assert.ok(raw.replace(/=\r\n/g, '').includes('Teststra'), 'postal address in the footer');
  assert.match(raw, /unsubscribe/i);
});

bothDrivers('the Message-ID is deterministic: the same lead, channel and step always get the same one', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  await queueLiveLeads(store, 1);
  await sendQueued(store, live(transport));
  const first = /^Message-ID: (.+)\r$/m.exec(smtp.received[0].raw.toString())![1];
  const recorded = (await store.get('SELECT rfc_message_id FROM sends'))![0];
  assert.equal(first, recorded);
  assert.match(first, /^<lf\.[A-Za-z0-9_-]{22}\.1@sender\.leadflow-test\.net>$/);
});

bothDrivers('live sending without an unsubscribe URL and postal address is refused before anything is sent', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  await queueLiveLeads(store, 2);
  await assert.rejects(sendQueued(store, { dryRun: false, transport, sender: SENDER }), (e: Error) => e instanceof LiveSendRefused && /SENDER_POSTAL_ADDRESS/.test(e.message));
  assert.equal(smtp.received.length, 0);
  assert.deepEqual(await states(store), { QUEUED: 2 });
});

// SQLite only: runPipeline (the synthetic leads' source here) runs on the SQLite store by design.
test('synthetic leads on reserved domains are never mailed live', async (t) => {
  const { store, smtp, transport } = await liveSetup(t, SENDER);
  await runPipeline(store, { leads: 5, seed: 1, channels: ['email'] });
  const now = new Date().toISOString();
  await store.transaction(async (t) => {
    for (const m of await t.all("SELECT m.id, m.lead_id FROM messages m JOIN leads l ON l.id = m.lead_id WHERE m.channel = 'email' AND m.variant = l.variant")) {
      await enqueue(t, { leadId: m[1] as number, channel: 'email', step: 1, dryRun: false }, m[0] as number, now);
    }
  });
  const tally = await sendQueued(store, live(transport));
  assert.equal(tally.skipped, 5);
  assert.equal(smtp.received.length, 0);
  assert.match(String((await store.get('SELECT error FROM sends WHERE dry_run = 0 LIMIT 1'))?.[0]), /synthetic/);
});

for (const [name, fault, expected] of [
  ['421 at RCPT', { at: 'rcpt', code: 421 }, 'QUEUED'],
  ['450 at RCPT', { at: 'rcpt', code: 450 }, 'QUEUED'],
  ['451 at end of DATA', { at: 'data', code: 451 }, 'QUEUED'],
  ['452 at RCPT', { at: 'rcpt', code: 452 }, 'QUEUED'],
  ['550 at RCPT', { at: 'rcpt', code: 550, message: '550 5.1.1 mailbox unavailable' }, 'FAILED'],
  ['554 at end of DATA', { at: 'data', code: 554, message: '554 5.7.1 message rejected as spam' }, 'FAILED'],
  ['a dropped connection after DATA', { at: 'drop-after-data' }, 'UNKNOWN'],
  ['a server that never answers (timeout)', { at: 'hang' }, 'UNKNOWN'],
] as const) {
  bothDrivers(`${name} leaves the ledger row ${expected}`, async (t, db) => {
    const { store, smtp, transport } = await setup(t, db);
    await queueLiveLeads(store, 2);
    smtp.faults.set(`p0@${LIVE_TEST_DOMAIN}`, [fault]);
    const tally = await sendQueued(store, live(transport));
    const [state, error, nextAttemptAt] = (await store.get('SELECT s.state, s.error, s.next_attempt_at FROM sends s JOIN leads l ON l.id = s.lead_id WHERE l.email = ?', [`p0@${LIVE_TEST_DOMAIN}`]))!;
    assert.equal(state, expected, String(error));
    if (expected === 'QUEUED') assert.ok(nextAttemptAt && Date.parse(nextAttemptAt as string) > Date.now(), 'a retry is scheduled in the future');
    if (expected === 'FAILED' && 'message' in fault) assert.ok(String(error).includes(fault.message.slice(4)), 'the server text is kept');
    // The other lead still goes through.
    assert.equal(smtp.received.filter((m) => m.to[0] === `p1@${LIVE_TEST_DOMAIN}`).length, 1);
    assert.equal(tally.claimed, 2);
    if (expected === 'QUEUED') assert.equal(tally.stillQueued, 1, 'the run reports what is still queued');
  });
}

bothDrivers('a greylisting server gets the message on a later attempt, and a run never ends "done" with it undelivered', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  await queueLiveLeads(store, 1);
  smtp.faults.set(`p0@${LIVE_TEST_DOMAIN}`, [{ at: 'rcpt', code: 451, message: '451 4.7.1 greylisted, try again later' }]);
  const first = await sendQueued(store, live(transport));
  assert.equal(first.sent, 0);
  assert.equal(first.stillQueued, 1);
  assert.ok(first.nextSendAt);
  // Waiting mode, bounded: the retry comes due within the wait and is delivered.
  const second = await sendQueued(store, { ...live(transport), maxWaitMs: 5_000 });
  assert.equal(second.sent, 1);
  assert.equal(second.stillQueued, 0);
  assert.equal(smtp.received.length, 1);
});

bothDrivers('transient faults are retried at most maxRetries times, then FAILED', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  await queueLiveLeads(store, 1);
  smtp.faults.set('*', [{ at: 'rcpt', code: 421 }]);
  const r = await sendQueued(store, { ...live(transport), maxRetries: 2, retryBaseMs: 20, maxWaitMs: 5_000 });
  const [state, attempts, error] = (await store.get('SELECT state, attempts, error FROM sends'))!;
  assert.equal(state, 'FAILED');
  assert.equal(attempts, 3);
  assert.match(String(error), /gave up after 3 attempts/);
  assert.equal(r.claimed, 3);
  assert.equal(smtp.received.length, 0);
});

bothDrivers('an unsubscribe token cannot be forged, and unsubscribing cancels what was queued', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  const [a, b] = await queueLiveLeads(store, 2);
  const token = unsubscribeToken({ id: a, email: `p0@${LIVE_TEST_DOMAIN}` }, COMPLIANCE.secret);
  assert.deepEqual(verifyUnsubscribeToken(token, COMPLIANCE.secret), { leadId: a, addressHash: emailHash(`p0@${LIVE_TEST_DOMAIN}`) });
  assert.equal(verifyUnsubscribeToken(token.replace(/^\d+/, String(b)), COMPLIANCE.secret), null, 'another lead id with the same signature');
  assert.equal(verifyUnsubscribeToken(token, 'another-secret-0123456789'), null);
  const r = await unsubscribeByToken(store, token, COMPLIANCE.secret);
  assert.ok(r.ok && r.cancelledSends === 1);
  await sendQueued(store, live(transport));
  assert.deepEqual(smtp.received.map((m) => m.to[0]), [`p1@${LIVE_TEST_DOMAIN}`]);
  assert.equal((await store.get('SELECT status FROM leads WHERE id = ?', [a]))?.[0], 'SUPPRESSED');
});

bothDrivers('a suppression recorded after the claim still stops the send (checked after claiming)', async (t, db) => {
  const { store, smtp } = await setup(t, db);
  await queueLiveLeads(store, 1);
  const stalling = {
    async deliver() {
      throw new Error('must not be called');
    },
  };
  // Suppress between claim and delivery by suppressing first: the gate runs after the claim, inside sendQueued.
  await store.run("INSERT INTO suppressions (kind, value, reason, created_at) VALUES ('domain', ?, 'blocked domain', ?)", [LIVE_TEST_DOMAIN, new Date().toISOString()]);
  const tally = await sendQueued(store, { ...live(stalling as never) });
  assert.equal(tally.skipped, 1);
  assert.equal(smtp.received.length, 0);
  assert.match(String((await store.get('SELECT error FROM sends'))?.[0]), /domain suppressed: blocked domain/);
});

bothDrivers('with a verification policy, the live sender holds back first emails the verdict does not allow', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  const dns = await startDnsServer({ [LIVE_TEST_DOMAIN]: { MX: [{ exchange: `mx.${LIVE_TEST_DOMAIN}`, priority: 10 }] } });
  t.after(() => dns.close());
  const ids = await queueLiveLeads(store, 2);
  // A role account at the same domain, and one lead never verified.
  await store.run('UPDATE leads SET email = ? WHERE id = ?', [`sales@${LIVE_TEST_DOMAIN}`, ids[1]]);
  await verifyLeads(store, { resolver: resolverFor(dns) });
  const [unverified] = await queueLiveLeads(store, 1, 'late');
  const tally = await sendQueued(store, { ...live(transport), verificationPolicy: 'deliverable-only' });
  assert.equal(tally.sent, 1);
  assert.deepEqual(smtp.received.map((m) => m.to[0]), [`p0@${LIVE_TEST_DOMAIN}`]);
  const why = async (id: number) => String((await store.get('SELECT error FROM sends WHERE lead_id = ?', [id]))?.[0]);
  assert.match(await why(ids[1]), /verification: risky .*role/);
  assert.match(await why(unverified), /not verified yet/);
});

bothDrivers('a CR/LF in a name or subject cannot add a header to the message', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  const [id] = await queueLiveLeads(store, 1);
  await store.run('UPDATE leads SET first_name = ? WHERE id = ?', ['Pat\r\nBcc: victim@leadflow-test.net', id]);
  await store.run("UPDATE messages SET subject = ? WHERE lead_id = ? AND channel = 'email'", ['Hello\r\nX-Injected: yes', id]);
  await sendQueued(store, live(transport));
  const raw = smtp.received[0].raw.toString('utf8');
  const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
  assert.doesNotMatch(headers, /^Bcc:/im);
  assert.doesNotMatch(headers, /^X-Injected:/im);
  assert.deepEqual(smtp.received[0].to, [`p0@${LIVE_TEST_DOMAIN}`], 'the envelope has the one recipient');
});

bothDrivers('when the hard-bounce rate of recent live sends passes the threshold, sending pauses and says why', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  await queueLiveLeads(store, 30);
  await sendQueued(store, { ...live(transport), limits: { ...DEFAULT_LIMITS, ratePerMinute: 0, dailyCap: 0 }, limit: 20 });
  assert.equal(smtp.received.length, 20);
  for (const i of [0, 1]) await recordEvent(store, { type: 'bounce', email: `p${i}@${LIVE_TEST_DOMAIN}`, detail: { kind: 'hard' } });
  const r = await sendQueued(store, { ...live(transport), limits: { ...DEFAULT_LIMITS, ratePerMinute: 0, dailyCap: 0 } });
  assert.equal(r.sent, 0);
  assert.match(String(r.limitedBy), /paused: 2 of the last 20 live sends hard-bounced \(10\.0%/);
  assert.match(String(r.limitedBy), /leadflow sends resume/);
  assert.equal(smtp.received.length, 20);
  await resumeMailbox(store);
  assert.equal((await sendQueued(store, { ...live(transport), limits: { ...DEFAULT_LIMITS, ratePerMinute: 0, dailyCap: 0, bounceThreshold: 0 } })).sent, 10);
});
