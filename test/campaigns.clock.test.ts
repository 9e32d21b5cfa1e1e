import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { openStore } from '../lib/store/store';
import { importRows } from '../lib/leads/importLeads';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { scheduleFollowUps } from '../lib/sending/sequence';
import { localDate } from '../lib/sending/limits';
import { saveCampaign } from '../lib/campaigns/campaigns';
import { parseCampaignText, type CampaignSpecInput } from '../lib/campaigns/spec';
import { dueAfter, windowFor } from '../lib/campaigns/clock';
import { simulateSchedule } from '../lib/campaigns/schedule';
import { listLeads } from '../lib/store/leads';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN } from './support/liveLeads';
import { tempStorePath } from './support/tmp';

const CAMPAIGN_FILE = join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml');
const ZONES = ['Asia/Tokyo', 'Europe/Berlin', 'America/Los_Angeles'];

function localClock(ms: number, zone: string): { weekday: string; hour: number } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]),
  );
  return { weekday: String(p.weekday), hour: Number(p.hour) };
}

/**
 * The payroll campaign with a 09–17 window in each recipient's zone, `rows` imported into it, written to, and a live
 * config for the SMTP test server (plus `env`).
 */
async function windowedCampaign(t: TestContext, rows: Record<string, string>[], env: Record<string, string> = {}) {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const spec = parseCampaignText(readFileSync(CAMPAIGN_FILE, 'utf8'), CAMPAIGN_FILE) as CampaignSpecInput;
  spec.window = { days: 'Mon-Fri', hours: '09-17', zone: 'recipient' };
  await saveCampaign(store, spec, { state: 'active' });
  assert.equal((await importRows(store, rows, { source: 'test', campaign: 'payroll-restaurants' })).inserted, rows.length);
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  const config = sendingConfigFromEnv(
    {
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_FROM_EMAIL: 'maria@tillpoint.test', LEADFLOW_SECRET: 'a-secret-of-at-least-16',
      LEADFLOW_UNSUBSCRIBE_URL: 'https://tillpoint.test/u', SENDER_POSTAL_ADDRESS: '1 Dock St, Leith', ...env,
    },
    { live: true },
  );
  return { smtp, store, config };
}

const lead = (email: string, timezone: string) => ({ email, first_name: email.split('@')[0], company: 'Harborview', title: 'Finance Director', website: `https://${LIVE_TEST_DOMAIN}`, timezone });

test('a 09–17 recipient-time window: leads in Tokyo, Berlin and Los Angeles receive only inside their own hours', async (t) => {
  const rows = ZONES.flatMap((zone, z) => [0, 1].map((k) => lead(`z${z}k${k}@${LIVE_TEST_DOMAIN}`, zone)));
  const { smtp, store, config } = await windowedCampaign(t, rows);

  // A simulated clock from Sunday 20:00 UTC (Monday 05:00 in Tokyo) through Tuesday, a tick every 30 minutes.
  const start = Date.parse('2026-12-06T20:00:00.000Z');
  const sentAt = new Map<string, number>();
  for (let ms = start; ms < start + 2 * 86_400_000; ms += 1_800_000) {
    const before = smtp.received.length;
    await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants' }, config, { now: () => new Date(ms), sleep: async () => {} });
    for (const mail of smtp.received.slice(before)) sentAt.set(mail.to[0], ms);
  }
  assert.equal(smtp.received.length, 6, 'everyone is mailed once, in their own hours');
  for (const mail of smtp.received) {
    const zone = ZONES[Number(/^z(\d)/.exec(mail.to[0])![1])];
    const at = sentAt.get(mail.to[0])!;
    const local = localClock(at, zone);
    assert.ok(local.hour >= 9 && local.hour < 17 && !['Sat', 'Sun'].includes(local.weekday), `${mail.to[0]} (${zone}) mailed at ${local.weekday} ${local.hour}:00 local`);
    const parsed = await simpleParser(mail.raw);
    assert.equal(parsed.date?.getTime(), at, 'the Date header is the simulated moment it went');
  }
  // Tokyo's morning comes first, Los Angeles's last.
  const order = [...sentAt.entries()].sort((a, b) => a[1] - b[1]).map(([to]) => to.slice(0, 2));
  assert.deepEqual(order, ['z0', 'z0', 'z1', 'z1', 'z2', 'z2']);

  // Step 2, three of the recipient's business days later, lands in the recipient's hours too.
  const report = await scheduleFollowUps(store, { delaysBusinessDays: [], dryRun: false, now: new Date(start + 2 * 86_400_000) });
  assert.equal(report.scheduled.length, 6);
  for (const s of report.scheduled) {
    const lead = listLeads(store).leads.find((l) => l.id === s.leadId)!;
    const local = localClock(Date.parse(s.dueAt), lead.timezone);
    assert.ok(local.hour >= 9 && local.hour < 17 && ['Thu', 'Fri'].includes(local.weekday), `${lead.email} step 2 due ${s.dueAt} (${local.weekday} ${local.hour}:00 in ${lead.timezone})`);
  }
});

test('business days count the recipient\'s calendar: weekends and listed holidays are skipped, in their zone', () => {
  const w = windowFor({ days: 'Mon-Fri', hours: '09-17', zone: 'recipient', holidays: ['2026-12-24', '2026-12-25'] }, 'Europe/Berlin')!;
  // Tuesday 22 December 2026, 10:00 in Berlin; three business days on: Wed 23, (24, 25 holidays, weekend) Mon 28, Tue 29.
  const due = dueAfter(w, new Date('2026-12-22T09:00:00.000Z'), 3);
  assert.equal(localDate(due.getTime(), 'Europe/Berlin'), '2026-12-29');
  // A lead with no usable zone falls back to UTC; a step due at 20:00 moves to the next morning's opening.
  const utc = windowFor({ days: 'Mon-Fri', hours: '09-17', zone: 'recipient', holidays: [] }, 'Not/AZone')!;
  assert.equal(utc.timezone, 'UTC');
  assert.equal(dueAfter(utc, new Date('2026-12-07T20:00:00.000Z'), 1).toISOString(), '2026-12-09T09:00:00.000Z');
});

test('a row queued in the recipient\'s hours and claimed after they close waits, untried, for the next morning', async (t) => {
  const rows = [0, 1].map((k) => lead(`b${k}@${LIVE_TEST_DOMAIN}`, 'Europe/Berlin'));
  const { smtp, store, config } = await windowedCampaign(t, rows, { RATE_LIMIT_PER_MINUTE: '1' });
  const tick = (iso: string) => sendReady(store, { channels: ['email'] }, config, { now: () => new Date(iso), sleep: async () => {} });
  await tick('2026-12-07T15:59:00.000Z'); // Monday 16:59 in Berlin: one goes, the rate holds the other
  assert.equal(smtp.received.length, 1);
  const held = await tick('2026-12-07T16:30:00.000Z'); // 17:30 in Berlin: claimed, and put back untried
  assert.equal(smtp.received.length, 1);
  assert.equal(held.limitedBy, "outside the recipients' hours");
  const row = store.stmt("SELECT attempts, next_attempt_at, state FROM sends WHERE state != 'SENT'").get()!;
  assert.deepEqual([row.state, row.attempts, row.next_attempt_at], ['QUEUED', 0, '2026-12-08T08:00:00.000Z']);
  assert.equal(store.stmt('SELECT count(*) AS n FROM send_attempts').get()?.n, 1, 'the put-back claim spent none of the budget');
  await tick('2026-12-08T08:00:00.000Z');
  assert.equal(smtp.received.length, 2);
});

test('the simulated schedule is, lead for lead, what the simulated-clock send then does — and it touches nothing', async (t) => {
  const rows = ZONES.flatMap((zone, z) => [0, 1, 2].map((k) => lead(`s${z}k${k}@${LIVE_TEST_DOMAIN}`, zone)));
  const { smtp, store, config } = await windowedCampaign(t, rows, { DAILY_SEND_CAP: '4' });
  const start = new Date('2026-12-07T00:00:00.000Z'); // a Monday
  const before = store.stmt('SELECT count(*) AS n FROM sends').get()?.n;
  const schedule = await simulateSchedule(store, 'payroll-restaurants', config, { days: 6, start, tickMinutes: 30 });
  assert.equal(store.stmt('SELECT count(*) AS n FROM sends').get()?.n, before, 'the simulation ran on a copy');
  assert.equal(smtp.received.length, 0, 'and sent nothing');
  const planned = schedule.days.flatMap((d) => d.sends.map((s) => `${s.leadId} step ${s.step} at ${s.at}`));
  assert.ok(planned.length >= 9 + 4, `every lead's first step and some second steps: ${planned.length}`);
  assert.ok(schedule.days.every((d) => d.sends.length <= 4), 'no day above the cap of 4');
  assert.ok(schedule.days.some((d) => Object.keys(d.heldBy).some((why) => /daily cap of 4/.test(why))), JSON.stringify(schedule.days.map((d) => d.heldBy)));
  for (const s of schedule.days.flatMap((d) => d.sends)) assert.match(s.local, /^(Mon|Tue|Wed|Thu|Fri) \d{4}-\d{2}-\d{2} (09|1[0-6]):\d{2} /, s.local);

  // Now for real, on the same clock: what the SMTP server receives is exactly the schedule.
  const campaignId = Number(store.stmt("SELECT id FROM campaigns WHERE name = 'payroll-restaurants'").get()?.id);
  for (let ms = start.getTime(); ms < start.getTime() + 6 * 86_400_000; ms += 1_800_000) {
    const now = new Date(ms);
    await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants' }, config, { now: () => now, sleep: async () => {} });
    await scheduleFollowUps(store, { delaysBusinessDays: [], dryRun: false, now, campaignId });
  }
  const done = store
    .stmt("SELECT lead_id, step, sent_at FROM sends WHERE dry_run = 0 AND state = 'SENT' ORDER BY sent_at, id")
    .all()
    .map((r) => `${String(r.lead_id)} step ${String(r.step)} at ${String(r.sent_at)}`);
  assert.deepEqual(done, planned);
  assert.equal(smtp.received.length, planned.length);
});
