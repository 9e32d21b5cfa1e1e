/**
 * Sequences on both databases (one suite, two drivers): later steps drafted, queued on their business days and sent
 * threaded to the SMTP test server; a reply stops them, an out-of-office moves them past its return date, a hard
 * bounce suppresses; AI follow-ups fall back to the template. On the PostgreSQL store of n8n queue mode as on SQLite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { sendQueued } from '../lib/sending/drain';
import { createSmtpTransport } from '../lib/sending/smtp';
import { scheduleFollowUps } from '../lib/sending/sequence';
import { dueAfter } from '../lib/campaigns/clock';
import { recordEvent } from '../lib/inbound/events';
import { checkCopy } from '../lib/personalize/copyContract';
import { startSmtp, type TestSmtp } from './support/smtpServer';
import { queueLiveLeads, COMPLIANCE, LIVE_TEST_DOMAIN } from './support/liveLeads';
import { bothDrivers } from './support/stores';
import type { AnyStore } from '../lib/store/openDb';
import { startGroqServer, answer } from './support/groqServer';
import { dataOf } from './support/groqFakeModel';
import { createGroqClient } from '../lib/llm/client';

const SENDER = { name: 'Alex Sender', email: 'alex@sender.leadflow-test.net' };

/** The SMTP test server, a live transport to it and a simulated clock, over the store `bothDrivers` opened. */
async function setup(t: import('node:test').TestContext, store: AnyStore) {
  const smtp = await startSmtp();
  const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, from: SENDER, timeoutMs: 2_000 });
  t.after(async () => {
    transport.close();
    await smtp.close();
  });
  // A simulated clock: every call sees `clock.now`, moved by the test.
  const clock = { now: new Date('2026-12-01T10:00:00Z') }; // a Tuesday
  const send = () =>
    sendQueued(store, { dryRun: false, transport, sender: SENDER, compliance: COMPLIANCE, now: () => clock.now });
  const schedule = () => scheduleFollowUps(store, { delaysBusinessDays: [3, 5], dryRun: false, now: clock.now });
  return { store, smtp, clock, send, schedule };
}

const header = (raw: Buffer, name: string) =>
  new RegExp(`^${name}: (.+(?:\\r\\n[ \\t].+)*)\\r$`, 'mi').exec(raw.toString('utf8'))?.[1].replace(/\r\n[ \t]+/g, ' ') ?? null;

function mime(lines: string[], body: string): string {
  return lines.join('\r\n') + '\r\n\r\n' + body + '\r\n';
}

test('business days skip weekends', () => {
  assert.equal(dueAfter(undefined, new Date('2026-12-04T10:00:00Z'), 1).toISOString(), '2026-12-07T10:00:00.000Z'); // Fri → Mon
  assert.equal(dueAfter(undefined, new Date('2026-12-01T10:00:00Z'), 3).toISOString(), '2026-12-04T10:00:00.000Z'); // Tue → Fri
  assert.equal(dueAfter(undefined, new Date('2026-12-04T10:00:00Z'), 5).toISOString(), '2026-12-11T10:00:00.000Z');
});

bothDrivers('a three-step sequence goes out on its business days, threaded on what the server received', async (t, db) => {
  const { store, smtp, clock, send, schedule } = await setup(t, db);
  await queueLiveLeads(store, 1);
  await send();
  assert.equal(smtp.received.length, 1);

  const s2 = await schedule();
  assert.deepEqual(s2.scheduled.map((x) => [x.step, x.dueAt]), [[2, '2026-12-04T10:00:00.000Z']]);
  assert.equal((await send()).sent, 0, 'step 2 is not due on day 0');
  clock.now = new Date('2026-12-04T10:00:01Z');
  await send();
  assert.equal(smtp.received.length, 2);

  const s3 = await schedule();
  assert.deepEqual(s3.scheduled.map((x) => [x.step, x.dueAt]), [[3, '2026-12-11T10:00:01.000Z']]);
  clock.now = new Date('2026-12-11T10:00:02Z');
  await send();
  assert.equal(smtp.received.length, 3);
  assert.equal((await schedule()).scheduled.length, 0, 'the sequence has three steps');

  const [one, two, three] = smtp.received.map((m) => m.raw);
  const id1 = header(one, 'Message-ID')!;
  const id2 = header(two, 'Message-ID')!;
  assert.notEqual(id1, id2);
  assert.equal(header(two, 'In-Reply-To'), id1);
  assert.equal(header(two, 'References'), id1);
  assert.equal(header(three, 'In-Reply-To'), id2);
  assert.equal(header(three, 'References'), `${id1} ${id2}`);
  const subject1 = (await simpleParser(one)).subject!;
  assert.equal((await simpleParser(two)).subject, `Re: ${subject1}`);
  assert.equal((await simpleParser(three)).subject, `Re: ${subject1}`);
  // Follow-ups pass the copy contract like any message.
  const followUps = await store.all('SELECT variant, step, subject, body FROM messages WHERE step > 1');
  assert.equal(followUps.length, 4, 'steps 2 and 3, both voices');
  for (const [variant, step, subject, body] of followUps) {
    assert.deepEqual(checkCopy({ channel: 'email', variant: variant as 'A', step: Number(step), subject: String(subject), body: String(body) }), []);
  }
});

bothDrivers('a reply matched by In-Reply-To stops every later step; a colleague at the same company can be stopped too', async (t, db) => {
  const { store, smtp, clock, send, schedule } = await setup(t, db);
  await queueLiveLeads(store, 3);
  await send();
  await schedule();
  const reply = mime(
    [`From: Someone Else <assistant@${LIVE_TEST_DOMAIN}>`, `To: ${SENDER.email}`, 'Subject: Re: hello', `In-Reply-To: ${header(smtp.received[0].raw, 'Message-ID')}`, 'Message-ID: <r1@x.test>'],
    'Thanks, let us talk next week.',
  );
  const r = await recordEvent(store, { type: 'reply', raw: reply, stopCompany: true });
  const first = Number((await store.get('SELECT id FROM leads WHERE email = ?', [smtp.received[0].to[0]]))![0]);
  assert.equal(r.leadId, first, 'matched by In-Reply-To although the sender address differs');
  assert.match(r.effect, /1 later send\(s\) cancelled; 2 send\(s\) to colleagues/);
  clock.now = new Date('2026-12-20T10:00:00Z');
  await send();
  assert.equal(smtp.received.length, 3, 'no follow-up went out after the reply');
  assert.deepEqual(await store.get('SELECT status FROM leads WHERE id = ?', [first]), ['REPLIED']);
});

bothDrivers('an out-of-office reply does not stop the sequence and moves the next step past the return date', async (t, db) => {
  const { store, smtp, clock, send, schedule } = await setup(t, db);
  await queueLiveLeads(store, 1);
  await send();
  await schedule(); // step 2 due 2026-12-04
  const ooo = mime(
    [`From: Pat <p0@${LIVE_TEST_DOMAIN}>`, `To: ${SENDER.email}`, 'Subject: Automatic reply: Quick question', 'Auto-Submitted: auto-replied', `In-Reply-To: ${header(smtp.received[0].raw, 'Message-ID')}`, 'Date: Wed, 02 Dec 2026 09:00:00 +0000'],
    'I am out of the office with limited access to email. I will be back on 14 December 2026.',
  );
  const r = await recordEvent(store, { type: 'reply', raw: ooo });
  assert.equal(r.type, 'auto_reply');
  assert.match(r.effect, /continues after 2026-12-14/);
  assert.deepEqual(await store.all('SELECT status FROM leads'), [['SENT']]);
  clock.now = new Date('2026-12-04T10:00:01Z');
  await send();
  assert.equal(smtp.received.length, 1, 'step 2 waits for the return date');
  clock.now = new Date('2026-12-15T10:00:00Z');
  await send();
  assert.equal(smtp.received.length, 2, 'then it goes');
});

bothDrivers('a bounce DSN parsed as hard suppresses the address; a soft one does not', async (t, db) => {
  const { store, smtp, send } = await setup(t, db);
  await queueLiveLeads(store, 2);
  await send();
  const dsn = (rcpt: string, status: string) =>
    [
      'From: MAILER-DAEMON@mx.leadflow-test.net',
      `To: ${SENDER.email}`,
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Delivery failed.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.leadflow-test.net',
      '',
      `Final-Recipient: rfc822; ${rcpt}`,
      'Action: failed',
      `Status: ${status}`,
      '--b1--',
      '',
    ].join('\r\n');
  const hard = await recordEvent(store, { type: 'bounce', raw: dsn(`p0@${LIVE_TEST_DOMAIN}`, '5.1.1') });
  assert.equal(hard.bounce?.kind, 'hard');
  assert.equal(hard.bounce?.status, '5.1.1');
  const soft = await recordEvent(store, { type: 'bounce', raw: dsn(`p1@${LIVE_TEST_DOMAIN}`, '4.2.2') });
  assert.equal(soft.bounce?.kind, 'soft');
  const statuses = Object.fromEntries(await store.all('SELECT email, status FROM leads'));
  assert.equal(statuses[`p0@${LIVE_TEST_DOMAIN}`], 'BOUNCED');
  assert.equal(statuses[`p1@${LIVE_TEST_DOMAIN}`], 'SENT');
  assert.deepEqual(await store.get('SELECT count(*) FROM suppressions WHERE value = ?', [`p0@${LIVE_TEST_DOMAIN}`]), [1]);
  assert.equal(smtp.received.length, 2);
});

bothDrivers('AI follow-ups are written by the model with the previous email as context, and fall back to the template', async (t, db) => {
  const { store, smtp, send } = await setup(t, db);
  const ids = await queueLiveLeads(store, 2);
  await send();
  const server = await startGroqServer({
    chat: (body, n) => {
      const d = dataOf(body) as { recipient: { firstName: string }; earlierEmail?: { subject: string } };
      // The first lead gets a good follow-up; the second an answer that is not JSON, twice.
      if (n >= 1) return answer('not json at all');
      return answer({ body: `Hi ${d.recipient.firstName},\n\nFollowing up on my note about ${d.earlierEmail?.subject}. One more thought on slow approvals.\n\nOpen to a 15-minute call next week?` });
    },
  });
  t.after(() => server.close());
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, rpm: 10_000, tpm: 100_000_000 }, store);
  const report = await scheduleFollowUps(store, { delaysBusinessDays: [3], dryRun: false, ai: client, now: new Date('2026-12-01T10:00:00Z') });
  assert.equal(report.scheduled.length, 2);
  // The model saw the earlier email inside the data block.
  const sent = server.chatRequests()[0].body;
  const earlier = (dataOf(sent) as { earlierEmail: { body: string } }).earlierEmail.body;
  assert.deepEqual(
    await store.get("SELECT body FROM messages WHERE lead_id = ? AND step = 1 AND channel = 'email' AND variant = (SELECT variant FROM leads WHERE id = ?)", [ids[0], ids[0]]),
    [earlier],
  );
  const step2 = async (id: number) => {
    const [source, subject, body] = (await store.get('SELECT m.source, m.subject, m.body FROM sends s JOIN messages m ON m.id = s.message_id WHERE s.lead_id = ? AND s.step = 2', [id]))!;
    return { source, subject: String(subject), body: String(body) };
  };
  const [good, fallback] = [await step2(ids[0]), await step2(ids[1])];
  assert.equal(good.source, 'groq:openai/gpt-oss-120b');
  assert.match(good.body, /Following up on my note[\s\S]*Best,\nAlex from Leadflow/);
  assert.match(good.subject, /^Re: /);
  assert.equal(fallback.source, 'follow-up-v1');
  assert.equal(report.fallbacks.length, 1);
  assert.match(report.fallbacks[0].reason, /invalid answer|not valid JSON/i);
  assert.equal(smtp.received.length, 2);
});
