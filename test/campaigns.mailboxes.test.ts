/**
 * Several mailboxes per campaign, counted on what a real SMTP server received: caps per mailbox and per day, leads
 * spread by remaining capacity, every thread on the mailbox of its first email, warm-up, and the accounts' secrets
 * read from a mailboxes file (never from the store).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { openStore } from '../lib/store/store';
import { importRows } from '../lib/leads/importLeads';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv, SendingConfigError } from '../lib/sending/config';
import { scheduleFollowUps } from '../lib/sending/sequence';
import { saveCampaign } from '../lib/campaigns/campaigns';
import { parseCampaignSpec, parseCampaignText, CampaignSpecError, type CampaignSpecInput } from '../lib/campaigns/spec';
import { simulateSchedule } from '../lib/campaigns/schedule';
import { previewEmail } from '../lib/sending/preview';
import { readMailboxesFile, warmupCap, MailboxesFileError } from '../lib/sending/mailboxes';
import { startSmtp, type TestSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN } from './support/liveLeads';
import { tempDir, tempStorePath } from './support/tmp';

const CAMPAIGN_FILE = join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml');
const MAILBOXES = [
  { address: 'anna@tillpoint-mail.test', dailyCap: 20 },
  { address: 'ben@tillpoint-mail.test', dailyCap: 20 },
  { address: 'cleo@tillpoint-mail.test', dailyCap: 10 },
];

/** A mailboxes file with one account per address, all on the test server, and the live config it makes. */
function liveConfig(t: TestContext, smtp: TestSmtp, addresses: string[], extra: Record<string, string> = {}) {
  const file = join(tempDir(t), 'mailboxes.yaml');
  writeFileSync(file, addresses.map((a) => `- fromEmail: ${a}\n  host: 127.0.0.1\n  port: ${smtp.port}\n`).join(''));
  return sendingConfigFromEnv(
    {
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_FROM_EMAIL: 'primary@tillpoint-mail.test', LEADFLOW_MAILBOXES: file,
      LEADFLOW_SECRET: 'a-secret-of-at-least-16', LEADFLOW_UNSUBSCRIBE_URL: 'https://tillpoint.test/u', SENDER_POSTAL_ADDRESS: '1 Dock St, Leith', ...extra,
    },
    { live: true },
  );
}

/** The payroll campaign, three steps, sending from `mailboxes` on business days in Berlin; `n` leads in it, written. */
async function campaignStore(t: TestContext, n: number, mailboxes: CampaignSpecInput['mailboxes']) {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const spec = parseCampaignText(readFileSync(CAMPAIGN_FILE, 'utf8'), CAMPAIGN_FILE) as CampaignSpecInput;
  spec.window = { days: 'Mon-Fri', hours: '09-17', zone: 'Europe/Berlin' };
  spec.mailboxes = mailboxes;
  spec.sequence.push({ delayBusinessDays: 2, email: [{ body: 'Hi {{ firstName }},\n\nLast note from me: open to a 15-minute call next week?' }] });
  await saveCampaign(store, spec, { state: 'active' });
  const rows = Array.from({ length: n }, (_, i) => ({
    email: `lead${i}@${LIVE_TEST_DOMAIN}`, first_name: `Lead${i}`, company: `Harborview ${i}`, title: 'Finance Director', website: `https://${LIVE_TEST_DOMAIN}`,
  }));
  assert.equal((await importRows(store, rows, { source: 'test', campaign: 'payroll-restaurants' })).inserted, n);
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  return store;
}

interface Delivered {
  to: string;
  from: string;
  day: string;
  messageId: string;
  inReplyTo: string | null;
  step: number;
}

test('three mailboxes (caps 20/20/10), 100 leads, three steps, ten business days: every cap holds and every thread keeps its mailbox', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const store = await campaignStore(t, 100, MAILBOXES);
  const config = liveConfig(t, smtp, MAILBOXES.map((m) => m.address));
  const campaignId = Number(store.stmt("SELECT id FROM campaigns WHERE name = 'payroll-restaurants'").get()?.id);

  // The schedule first, simulated on a copy; then the same clock for real.
  const start = new Date('2026-12-07T00:00:00.000Z'); // a Monday
  const days = 14; // ten business days
  const schedule = await simulateSchedule(store, 'payroll-restaurants', config, { days, start, tickMinutes: 30 });
  assert.equal(smtp.received.length, 0, 'the simulation sent nothing');

  const dayOf = new Map<number, string>();
  for (let ms = start.getTime(); ms < start.getTime() + days * 86_400_000; ms += 1_800_000) {
    const now = new Date(ms);
    const before = smtp.received.length;
    await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants' }, config, { now: () => now, sleep: async () => {} });
    await scheduleFollowUps(store, { delaysBusinessDays: [], dryRun: false, now, campaignId });
    for (let i = before; i < smtp.received.length; i++) dayOf.set(i, now.toISOString().slice(0, 10));
  }

  // What the server received, message by message.
  const steps = new Map<string, number>(); // Message-ID → step
  const delivered: Delivered[] = [];
  for (const [i, mail] of smtp.received.entries()) {
    const parsed = await simpleParser(mail.raw);
    const inReplyTo = parsed.inReplyTo ?? null;
    const step = inReplyTo ? steps.get(inReplyTo)! + 1 : 1;
    assert.ok(step, `a follow-up answers a message this run sent: ${inReplyTo}`);
    steps.set(parsed.messageId!, step);
    delivered.push({ to: mail.to[0], from: mail.from, day: dayOf.get(i)!, messageId: parsed.messageId!, inReplyTo, step });
    assert.equal(parsed.from?.value[0].address, mail.from, 'the From header is the mailbox the envelope left from');
  }
  assert.equal(delivered.length, 300, 'every lead got all three steps within ten business days');

  const count = (key: (d: Delivered) => string) => delivered.reduce((m, d) => m.set(key(d), (m.get(key(d)) ?? 0) + 1), new Map<string, number>());
  for (const [day, n] of count((d) => d.day)) assert.ok(n <= 50, `${n} sends on ${day}`);
  const caps = new Map(MAILBOXES.map((m) => [m.address, m.dailyCap]));
  for (const [key, n] of count((d) => `${d.from} ${d.day}`)) assert.ok(n <= caps.get(key.split(' ')[0])!, `${key}: ${n}`);
  assert.deepEqual([...count((d) => d.from).keys()].sort(), MAILBOXES.map((m) => m.address), 'all three mailboxes sent, and no other');
  // Weekends are shut in Berlin: nothing on 12, 13 December.
  assert.ok(delivered.every((d) => !['2026-12-12', '2026-12-13'].includes(d.day)));

  for (const [key, n] of count((d) => `${d.to} step ${d.step}`)) assert.equal(n, 1, `${key} mailed ${n} times`);
  const byId = new Map(delivered.map((d) => [d.messageId, d]));
  for (const d of delivered.filter((x) => x.step > 1)) {
    const previous = byId.get(d.inReplyTo!)!;
    assert.equal(previous.to, d.to, 'threaded on the recipient\'s own previous email');
    assert.equal(d.from, previous.from, `${d.to} step ${d.step} leaves from the thread's mailbox`);
  }
  // Spread by remaining capacity: over the run, each mailbox carried threads in proportion to its cap.
  const threads = count((d) => (d.step === 1 ? d.from : 'later'));
  assert.ok(threads.get('cleo@tillpoint-mail.test')! < threads.get('anna@tillpoint-mail.test')!, JSON.stringify([...threads]));

  // And the simulation said so beforehand, lead for lead, mailbox for mailbox, day by day (messages in flight at one
  // moment arrive in any order).
  const planned = schedule.days.flatMap((d) => d.sends.map((s) => `${s.email} step ${s.step} from ${s.from} on ${s.at.slice(0, 10)}`));
  const happened = delivered.map((d) => `${d.to} step ${d.step} from ${d.from} on ${d.day}`);
  assert.deepEqual(happened.sort(), planned.sort());
});

test('warm-up: a new mailbox starts at its ramp and grows by it each day, up to its cap', async (t) => {
  assert.deepEqual([null, 0, 1, 2, 10].map((d) => warmupCap({ start: 2, increasePerDay: 3 }, 9, d === null ? null : 0, (d ?? 0) * 86_400_000)), [2, 2, 5, 8, 9]);

  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const store = await campaignStore(t, 30, [{ address: 'new@tillpoint-mail.test', dailyCap: 9, warmup: { start: 2, increasePerDay: 3 } }]);
  const config = liveConfig(t, smtp, ['new@tillpoint-mail.test']);
  const perDay: number[] = [];
  for (const day of ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10']) {
    const before = smtp.received.length;
    for (const hour of ['09', '11', '14']) {
      const r = await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants' }, config, { now: () => new Date(`${day}T${hour}:00:00.000Z`) });
      if (hour === '14') assert.match(r.limitedBy ?? '', /daily cap of \d for new@tillpoint-mail\.test/);
    }
    perDay.push(smtp.received.length - before);
  }
  assert.deepEqual(perDay, [2, 5, 8, 9]);

  // A follow-up queued but not sent yet previews from its thread's mailbox, under the name the campaign gives it.
  const campaignId = Number(store.stmt("SELECT id FROM campaigns WHERE name = 'payroll-restaurants'").get()?.id);
  const follow = await scheduleFollowUps(store, { delaysBusinessDays: [], dryRun: false, now: new Date('2026-12-10T15:00:00.000Z'), campaignId });
  assert.ok(follow.scheduled.length >= 2, JSON.stringify(follow));
  const preview = await previewEmail(store, follow.scheduled[0].leadId, { step: 2, sender: config.sender });
  assert.equal(preview.basis, 'draft');
  assert.equal(preview.record.headers.From, '"Maria Chen" <new@tillpoint-mail.test>');
});

test('a campaign whose mailboxes have no SMTP account here waits, and says why; the primary sends campaigns that name none', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const store = await campaignStore(t, 3, [{ address: 'elsewhere@tillpoint-mail.test', dailyCap: 5 }]);
  // A lead of the built-in demo campaign, which names no mailbox: the primary account (SMTP_*) sends it.
  await importRows(store, [{ email: `demo@${LIVE_TEST_DOMAIN}`, first_name: 'Dee', company: 'Demo Co', title: 'CFO', website: `https://${LIVE_TEST_DOMAIN}` }], { source: 'test' });
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  const config = liveConfig(t, smtp, ['anna@tillpoint-mail.test']);
  const r = await sendReady(store, { channels: ['email'] }, config, { now: () => new Date('2026-12-07T10:00:00.000Z') });
  assert.deepEqual(smtp.received.map((m) => [m.from, m.to[0]]), [['primary@tillpoint-mail.test', `demo@${LIVE_TEST_DOMAIN}`]]);
  assert.equal(r.stillQueued, 3);
  assert.match(r.limitedBy ?? '', /campaign "payroll-restaurants" sends from elsewhere@tillpoint-mail\.test, and no SMTP account here is one of them/);
});

test('a mailboxes file: every problem named, a password only in a file its owner alone can read', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'mailboxes.yaml');
  writeFileSync(file, '- fromEmail: a@x.test\n  host: smtp.x.test\n  passwordEnv: A_PASS\n- fromEmail: nope\n  host: ""\n- fromEmail: c@x.test\n  host: h\n  password: p\n  passwordEnv: C\n');
  assert.throws(() => readMailboxesFile(file, {}), (e: MailboxesFileError) => {
    assert.match(e.message, /mailbox 1 \(a@x\.test\): the environment variable A_PASS is not set/);
    assert.match(e.message, /mailbox 2 \(fromEmail\): fromEmail must be the email address/);
    assert.match(e.message, /mailbox 2 \(host\): host is empty/);
    assert.match(e.message, /mailbox 3: give password or passwordEnv, not both/);
    return true;
  });
  writeFileSync(file, '- fromEmail: A@X.test\n  host: smtp.x.test\n  port: 465\n  user: a\n  password: s3cret\n');
  chmodSync(file, 0o644);
  assert.throws(() => readMailboxesFile(file, {}), /holds passwords and others can read it: `chmod 600/);
  chmodSync(file, 0o600);
  const [a] = readMailboxesFile(file, {});
  assert.deepEqual([a.from.email, a.port, a.secure, a.user, a.password], ['a@x.test', 465, true, 'a', 's3cret']);
  // The config names the file's problem, and a secret never appears in a summary.
  const config = sendingConfigFromEnv({ LEADFLOW_MAILBOXES: file, LEADFLOW_SECRET: 'a-secret-of-at-least-16', LEADFLOW_UNSUBSCRIBE_URL: 'https://x.test/u', SENDER_POSTAL_ADDRESS: 'x' }, { live: true });
  assert.ok(config.live && config.smtp.from.email === 'a@x.test' && !config.summary.includes('s3cret'));
  assert.throws(() => sendingConfigFromEnv({ LEADFLOW_MAILBOXES: join(dir, 'missing.yaml') }, { live: true }), (e: Error) => e instanceof SendingConfigError || e instanceof MailboxesFileError);
});

test('campaign mailboxes are checked: an address, a cap, each address once', () => {
  const base = parseCampaignText(readFileSync(CAMPAIGN_FILE, 'utf8'), CAMPAIGN_FILE);
  assert.throws(
    () => parseCampaignSpec({ ...base, mailboxes: [{ address: 'x', dailyCap: 0 }, { address: 'a@b.test', dailyCap: 5 }, { address: 'A@b.test', dailyCap: 5 }] }),
    (e: CampaignSpecError) => {
      assert.ok(e.problems.some((p) => /address must be an email address/.test(p)), e.message);
      assert.ok(e.problems.some((p) => /dailyCap is at least 1/.test(p)), e.message);
      return true;
    },
  );
  assert.throws(() => parseCampaignSpec({ ...base, mailboxes: [{ address: 'a@b.test', dailyCap: 5 }, { address: 'A@b.test', dailyCap: 5 }] }), /each address once/);
});

test('a first email that goes back to the queue unsent (a 451, a shut window) is not held on the mailbox that tried it', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const store = await campaignStore(t, 2, [{ address: 'anna@tillpoint-mail.test', dailyCap: 5 }, { address: 'ben@tillpoint-mail.test', dailyCap: 5 }]);
  const config = liveConfig(t, smtp, ['anna@tillpoint-mail.test', 'ben@tillpoint-mail.test']);
  smtp.faults.set(`lead0@${LIVE_TEST_DOMAIN}`, [{ at: 'rcpt', code: 451, message: 'try later' }]);
  const r = await sendReady(store, { channels: ['email'] }, config, { now: () => new Date('2026-12-07T10:00:00.000Z') });
  assert.equal(r.requeued, 1);
  const waiting = store.stmt("SELECT step, mailbox, attempts FROM sends WHERE state = 'QUEUED'").all();
  assert.deepEqual(waiting.map((w) => [w.step, w.mailbox, w.attempts]), [[1, null, 1]], 'free for whichever mailbox has room when it comes due');
  const sent = store.stmt("SELECT mailbox FROM sends WHERE state = 'SENT'").all();
  assert.equal(sent.length, 1);
  assert.ok(sent[0].mailbox, 'a sent first email keeps its mailbox: the thread stays on it');
});
