/// <reference lib="dom" />
/**
 * A campaign's schedule on the status page: `GET /api/campaigns/:name/schedule` answers exactly what lib's
 * `simulateSchedule` says for the same store, sending settings and start — off the page's event loop, one at a time,
 * sending nothing — and the page's Schedule panel shows it day by day, lead data as text.
 */
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Store } from '../lib/store/store';
import { importRows } from '../lib/leads/importLeads';
import { enrichNewLeads } from '../lib/enrich/stage';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { saveCampaign } from '../lib/campaigns/campaigns';
import { parseCampaignText, type CampaignSpecInput } from '../lib/campaigns/spec';
import { simulateSchedule, type CampaignSchedule } from '../lib/campaigns/schedule';
import { getLead } from '../lib/store/leads';
import type { SimulatedSchedule } from '../status/scheduleSimulator';
import { launchChromium, openStatusPage } from './support/browser';
import { startTestStatusServer, type TestStatusServer } from './support/browserServer';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN } from './support/liveLeads';
import { tempDir } from './support/tmp';

const CAMPAIGN_FILE = join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml');
const CAMPAIGN = 'payroll-restaurants';
const XSS_NAME = '<img src=x onerror=alert(1)>';
const MAILBOXES = [
  { address: 'anna@tillpoint-mail.test', dailyCap: 2 },
  { address: 'ben@tillpoint-mail.test', dailyCap: 1 },
  { address: 'cleo@tillpoint-mail.test', dailyCap: 1 },
];

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/**
 * The payroll campaign, active, sending from three mailboxes on business days in Berlin, with eight enriched leads
 * (leads on reserved domains are never mailed live, so they would never be scheduled) — one of them named in HTML.
 */
async function seed(store: Store): Promise<void> {
  const spec = parseCampaignText(readFileSync(CAMPAIGN_FILE, 'utf8'), CAMPAIGN_FILE) as CampaignSpecInput;
  spec.window = { days: 'Mon-Fri', hours: '09-17', zone: 'Europe/Berlin' };
  spec.mailboxes = MAILBOXES;
  await saveCampaign(store, spec, { state: 'active' });
  const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
  const rows = [
    { email: `mallory@${LIVE_TEST_DOMAIN}`, first_name: XSS_NAME, last_name: '', company: 'Harborview', title: 'Finance Director', website: `https://${LIVE_TEST_DOMAIN}`, timezone: 'Europe/Berlin' },
    ...Array.from({ length: 7 }, (_, i) => ({
      email: `owner${i}@${LIVE_TEST_DOMAIN}`, first_name: `Owner${i}`, last_name: 'Tester', company: `Bistro ${i}`, title: 'Finance Director',
      website: `https://${LIVE_TEST_DOMAIN}`, timezone: zones[i % zones.length],
    })),
  ];
  assert.equal((await importRows(store, rows, { source: 'test', campaign: CAMPAIGN })).inserted, rows.length);
  enrichNewLeads(store);
}

/** Set environment variables for this test only (the route reads the sending settings per request). */
function withEnv(t: TestContext, vars: Record<string, string>): void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  t.after(() => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

const schedulePath = (query = '', name = CAMPAIGN) => `/api/campaigns/${encodeURIComponent(name)}/schedule${query}`;

async function errorOf(s: TestStatusServer, path: string): Promise<{ status: number; error: string }> {
  const res = await s.authed(path);
  return { status: res.status, error: ((await res.json()) as { error: string }).error };
}

test('the route answers what simulateSchedule says for the same store, settings and start: the limits in force, the mailboxes of LEADFLOW_MAILBOXES, nothing sent', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  // Live settings, as a real send would have them: anna and ben have accounts here, cleo has none.
  const accounts = join(tempDir(t), 'mailboxes.yaml');
  writeFileSync(accounts, ['anna', 'ben'].map((n) => `- fromEmail: ${n}@tillpoint-mail.test\n  host: 127.0.0.1\n  port: ${smtp.port}\n`).join(''));
  withEnv(t, {
    DRY_RUN_MODE: 'false',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_FROM_EMAIL: 'primary@tillpoint-mail.test',
    LEADFLOW_MAILBOXES: accounts,
    LEADFLOW_SECRET: 'a-secret-of-at-least-16',
    LEADFLOW_UNSUBSCRIBE_URL: 'https://tillpoint.test/u',
    SENDER_POSTAL_ADDRESS: '1 Dock St, Leith',
    DAILY_SEND_CAP: '1',
    RATE_LIMIT_PER_MINUTE: '0',
  });
  const s = await startTestStatusServer(t, { seed });
  const start = '2026-12-07T00:00:00.000Z'; // a Monday

  const res = await s.authed(schedulePath(`?days=5&start=${encodeURIComponent('2026-12-07T00:00:00Z')}`));
  assert.equal(res.status, 200);
  const { leads, ...schedule } = (await res.json()) as SimulatedSchedule;
  const expected: CampaignSchedule = await simulateSchedule(s.store, CAMPAIGN, sendingConfigFromEnv(process.env, {}), { days: 5, start: new Date(start) });
  assert.deepEqual(schedule, expected, 'the page shows what the CLI preview and the MCP tool would');

  const sends = schedule.days.flatMap((d) => d.sends.map((x) => ({ ...x, date: d.date })));
  assert.ok(sends.length >= 8, `two a day for five days: ${sends.length}`);
  assert.deepEqual([...new Set(sends.map((x) => x.from))].sort(), ['anna@tillpoint-mail.test', 'ben@tillpoint-mail.test'], 'only mailboxes with an account here; cleo has none');
  const perMailboxDay = new Map<string, number>();
  for (const x of sends) perMailboxDay.set(`${x.from} ${x.date}`, (perMailboxDay.get(`${x.from} ${x.date}`) ?? 0) + 1);
  assert.ok([...perMailboxDay.values()].every((n) => n === 1), `DAILY_SEND_CAP=1 holds below the campaign's caps: ${JSON.stringify([...perMailboxDay])}`);
  assert.ok(schedule.days.some((d) => Object.keys(d.heldBy).some((why) => /daily cap of 1/.test(why))), JSON.stringify(schedule.days.map((d) => d.heldBy)));

  // Who each scheduled lead is, from the store.
  assert.deepEqual(Object.keys(leads).map(Number).sort(), [...new Set(sends.map((x) => x.leadId))].sort());
  for (const [id, who] of Object.entries(leads)) {
    const lead = getLead(s.store, Number(id))!;
    assert.deepEqual(who, { name: `${lead.firstName} ${lead.lastName}`.trim(), company: lead.company });
  }
  assert.equal(smtp.received.length, 0, 'the simulation sent nothing');
});

test('bad days, start or parameters are a 400 naming what is wrong; an unknown campaign is a 404 naming the campaigns there are', async (t) => {
  const s = await startTestStatusServer(t, { seed });
  for (const [query, reason] of [
    ['?days=0', /^bad query: days: must be 1 or more$/],
    ['?days=31', /^bad query: days: must be at most 30$/],
    ['?days=ten', /^bad query: days: must be a whole number written in decimal digits$/],
    ['?days=1.5', /^bad query: days: must be a whole number/],
    ['?start=next%20monday', /^bad query: start: must be an ISO date and time, e.g. 2026-12-07T08:00:00Z$/],
    ['?tick=5', /^bad query: .*"tick"/],
  ] as const) {
    const r = await errorOf(s, schedulePath(query));
    assert.equal(r.status, 400, query);
    assert.match(r.error, reason, query);
  }
  const unknown = await errorOf(s, schedulePath('?days=3', 'nope'));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.error, 'no campaign "nope" in the store; campaigns: demo, payroll-restaurants');
  const long = await errorOf(s, schedulePath('', 'x'.repeat(64)));
  assert.equal(long.status, 400);
  assert.match(long.error, /^bad campaign name: must be at most 63 characters$/);
});

test('a simulation runs off the page\'s event loop and one at a time: the page answers meanwhile, a second is a 429, and one whose request went away is ended at once', async (t) => {
  const s = await startTestStatusServer(t, { seed });
  const long = schedulePath('?days=30&start=2026-12-07T00:00:00Z');
  const began = Date.now();
  let firstDone = false;
  const first = s.authed(long).then(async (r) => {
    firstDone = true;
    return { status: r.status, body: (await r.json()) as SimulatedSchedule, ms: Date.now() - began };
  });
  // Wait until it runs (its worker is starting), then ask the page for other things.
  while (!s.server.status.schedules!.busy) await new Promise((r) => setTimeout(r, 5));
  assert.equal((await s.authed('/health')).status, 200);
  assert.equal((await s.authed('/api/campaigns')).status, 200);
  const second = await s.authed(schedulePath('?days=1'));
  assert.equal(second.status, 429);
  assert.equal(second.headers.get('retry-after'), '2');
  assert.match(((await second.json()) as { error: string }).error, /already running on this page \(one at a time\)/);
  assert.equal(firstDone, false, 'the page answered while the simulation was still going');
  const done = await first;
  assert.equal(done.status, 200);
  assert.ok(done.body.days.length > 0);
  assert.equal(s.server.status.schedules!.busy, false);

  // The same simulation again, its request abandoned as soon as it runs: the simulator is free long before the
  // simulation would have ended.
  const gone = new AbortController();
  const abandoned = s.authed(long, { signal: gone.signal }).catch((err: Error) => err.name);
  while (!s.server.status.schedules!.busy) await new Promise((r) => setTimeout(r, 5));
  const abortedAt = Date.now();
  gone.abort();
  assert.equal(await abandoned, 'AbortError');
  while (s.server.status.schedules!.busy) await new Promise((r) => setTimeout(r, 5));
  const freedMs = Date.now() - abortedAt;
  assert.ok(freedMs < done.ms / 2, `freed ${freedMs} ms after the request went away; a whole simulation takes ${done.ms} ms`);
  assert.equal((await s.authed(schedulePath('?days=1&start=2026-12-07T00:00:00Z'))).status, 200, 'the next one runs');
});

test('in Chromium, the Schedule panel simulates the chosen campaign day by day — recipient, step, their time, mailbox, what held the rest back — and a lead named <img src=x onerror=alert(1)> is text', async (t) => {
  const s = await startTestStatusServer(t, { seed });
  const { page, problems } = await openStatusPage(browser, t, s.url);
  assert.equal(await page.locator('#schedule').isHidden(), true, 'no campaign chosen, no schedule');

  await page.waitForSelector(`#campaign-filter option[value="${CAMPAIGN}"]`, { state: 'attached' });
  await page.selectOption('#campaign-filter', CAMPAIGN);
  await page.waitForSelector('#schedule', { state: 'visible' });
  assert.equal(await page.locator('#schedule-run').innerText(), 'Simulate next 10 days');
  await page.fill('#schedule-days', '1');
  assert.equal(await page.locator('#schedule-run').innerText(), 'Simulate next 1 day');
  await page.fill('#schedule-days', '10');
  assert.equal(await page.locator('#schedule-run').innerText(), 'Simulate next 10 days');

  await page.click('#schedule-run');
  await page.waitForSelector('#schedule-out .day tbody tr', { timeout: 60_000 });
  assert.match(await page.locator('#schedule-status').innerText(), /Campaign payroll-restaurants, 10 simulated days from .*: \d+ emails?; \d+ still queued at the end\. Nothing was sent\./);

  // The first day that sends: its date, and each email's recipient, step, time on their clock and mailbox.
  const day = page.locator('#schedule-out .day', { has: page.locator('tbody tr') }).first();
  assert.match(await day.locator('h3').innerText(), /^(Mon|Tue|Wed|Thu|Fri) \d{4}-\d{2}-\d{2} · \d+ emails?$/);
  const row = day.locator('tbody tr').first();
  assert.match(await row.locator('.recipient .email').innerText(), new RegExp(`@${LIVE_TEST_DOMAIN.replace(/\./g, '\\.')}$`));
  assert.match(await row.locator('.step').innerText(), /^[12]$/);
  assert.match(await row.locator('.local').innerText(), /^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+$/);
  assert.match(await row.locator('.from').innerText(), /^(anna|ben|cleo)@tillpoint-mail\.test$/);
  // Four a day fit (2 + 1 + 1) and eight leads wait: the campaign's caps held the rest.
  assert.match(await page.locator('#schedule-out .held li').first().innerText(), /^Held back: .+ \(\d+ ticks?\)$/);
  assert.ok((await page.locator('#schedule-out .held li').allInnerTexts()).some((x) => /daily cap/.test(x)));

  // Lead data is text: the name made no element, and no script ran.
  const mallory = page.locator('#schedule-out tbody tr', { hasText: `mallory@${LIVE_TEST_DOMAIN}` }).first();
  assert.equal(await mallory.locator('.recipient .name').textContent(), XSS_NAME);
  assert.equal(await page.locator('#schedule img, #schedule script, #schedule svg').count(), 0, 'no element was made from lead data');

  // A scheduled email's row opens its lead.
  await mallory.click();
  await page.waitForSelector('#detail[open]');
  assert.equal((await page.locator('#detail-name').textContent())?.trim(), XSS_NAME);
  await page.click('#detail-close');

  // Another campaign: the schedule is cleared; "All campaigns" hides it.
  await page.selectOption('#campaign-filter', 'demo');
  assert.equal(await page.locator('#schedule-out .day').count(), 0);
  await page.selectOption('#campaign-filter', '');
  assert.equal(await page.locator('#schedule').isHidden(), true);
  assert.deepEqual(problems, [], 'no alert ran and nothing failed');
});
