/// <reference lib="dom" />
/**
 * The status page on the PostgreSQL store n8n's queue-mode workers share (`leadflow serve --db postgres://…`): the
 * funnel, the campaigns, a lead search, one lead in full, erasure and the one-click unsubscribe work on it as on a
 * SQLite file; what needs a file of its own — starting a run, simulating a schedule, clearing every lead — is a 409
 * that says so, and nothing is written. In Chromium, another worker's import reaches the open page by itself.
 */
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { importRows } from '../lib/leads/importLeads';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { unsubscribeToken } from '../lib/inbound/unsubscribe';
import { createLogger } from '../lib/log/logger';
import type { AnyStore } from '../lib/store/openDb';
import { startStatusServer } from '../status/server';
import { freshLocation, openForTest } from './support/stores';
import { TEST_SECRET, TEST_TOKEN } from './support/browserServer';
import { launchChromium, openStatusPage } from './support/browser';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const PEOPLE = [
  { email: 'dana@harborview.example', first_name: 'Dana', title: 'COO', company: 'Harborview', website: 'https://harborview.example' },
  { email: 'lee@bluefin.example', first_name: 'Lee', title: 'CFO', company: 'Bluefin', website: 'https://bluefin.example' },
  { email: 'sam@saltandember.example', first_name: 'Sam', title: 'CEO', company: 'Salt & Ember', website: 'https://saltandember.example' },
];

/** A fresh PostgreSQL store with the three people written and dry-run, and the status server on it. */
async function serveOnPostgres(t: TestContext): Promise<{ url: string; store: AnyStore; ids: number[]; authed: (path: string, init?: RequestInit) => Promise<Response> }> {
  const location = await freshLocation(t, 'postgres');
  const store = await openForTest(t, location);
  const { ids } = await importRows(store, PEOPLE, { source: 'test' });
  await enrichChosen(store, ids);
  await personalizeChosen(store, ids, { channels: ['email'] });
  await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }));
  const logger = createLogger({ name: 'status', level: 'silent', destination: { write: () => undefined } });
  const server = await startStatusServer({ storePath: location, token: TEST_TOKEN, logger, port: 0, unsubscribeSecret: TEST_SECRET });
  t.after(() => server.close());
  const authed = (path: string, init: RequestInit = {}) =>
    fetch(server.url + path, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${TEST_TOKEN}` } });
  return { url: server.url, store, ids, authed };
}

const json = async <T>(r: Response | Promise<Response>): Promise<T> => (await (await r).json()) as T;

test('the API reads, erases and unsubscribes on the PostgreSQL store; a run, a schedule or clearing every lead is a 409 that says why', async (t) => {
  const { url, store, ids, authed } = await serveOnPostgres(t);
  assert.equal((await json<{ driver: string }>(authed('/health'))).driver, 'pg');
  const metrics = await json<{ funnel: { leads: number }[] }>(authed('/api/metrics'));
  assert.deepEqual(metrics.funnel.map((f) => f.leads), [3, 3, 3, 0, 0], 'a dry run is not counted as sent');
  const campaigns = await json<{ campaigns: { name: string; leads: number }[] }>(authed('/api/campaigns'));
  assert.deepEqual(campaigns.campaigns.map((c) => [c.name, c.leads]), [['demo', 3]]);
  const found = await json<{ total: number; leads: { email: string }[] }>(authed('/api/leads?q=harbor'));
  assert.deepEqual([found.total, found.leads.map((l) => l.email)], [1, ['dana@harborview.example']]);
  const detail = await json<{ lead: { email: string }; messages: unknown[]; sends: { state: string }[] }>(authed(`/api/leads/${ids[1]}`));
  assert.deepEqual([detail.lead.email, detail.messages.length, detail.sends.map((s) => s.state)], ['lee@bluefin.example', 2, ['SIMULATED']]);

  const run = await authed('/api/pipeline/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ dryRun: true, leads: 5 }) });
  assert.equal(run.status, 409);
  assert.match((await json<{ error: string }>(run)).error, /runs start on a SQLite store: this page shows the PostgreSQL store n8n's queue-mode workers share/);
  const schedule = await authed('/api/campaigns/demo/schedule?days=2');
  assert.equal(schedule.status, 409);
  assert.match((await json<{ error: string }>(schedule)).error, /schedule simulation runs on a copy of a SQLite store/);
  const clear = await authed('/api/leads', { method: 'DELETE' });
  assert.equal(clear.status, 409);
  assert.match((await json<{ error: string }>(clear)).error, /erase people one at a time/);
  assert.deepEqual(await store.all('SELECT count(*) FROM leads'), [[3]], 'nothing was cleared');
  assert.deepEqual(await store.all('SELECT count(*) FROM runs'), [[0]], 'no run was started');

  const erased = await authed(`/api/leads/${ids[0]}`, { method: 'DELETE' });
  assert.equal(erased.status, 200, await erased.clone().text());
  assert.deepEqual(await store.all('SELECT email FROM leads ORDER BY id'), [['lee@bluefin.example'], ['sam@saltandember.example']]);

  const token = unsubscribeToken({ id: ids[2], email: PEOPLE[2].email }, TEST_SECRET);
  const unsubscribed = await fetch(`${url}/unsubscribe?token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(unsubscribed.status, 200, await unsubscribed.clone().text());
  assert.deepEqual(await store.all('SELECT status FROM leads WHERE id = ?', [ids[2]]), [['SUPPRESSED']]);
  assert.deepEqual(await store.all("SELECT count(*) FROM suppressions WHERE kind = 'email' AND value = ?", [PEOPLE[2].email]), [[1]]);
});

test('in Chromium, the page shows the shared store and another worker\'s import reaches it by itself', async (t) => {
  const { url, store } = await serveOnPostgres(t);
  const { page, problems } = await openStatusPage(browser, t, url);
  await page.waitForFunction(() => document.querySelector('[data-metric="total"]')?.textContent === '3');
  // Another worker (its own connection) imports two leads: the page learns of it from the server's statistics.
  await importRows(store, [{ email: 'jo@marisco.example', first_name: 'Jo', company: 'Marisco' }, { email: 'kim@copperpot.example', first_name: 'Kim', company: 'Copper Pot' }], { source: 'test' });
  await page.waitForFunction(() => document.querySelector('[data-metric="total"]')?.textContent === '5', undefined, { timeout: 30_000 });
  assert.deepEqual(problems, []);
});
