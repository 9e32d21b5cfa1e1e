/// <reference lib="dom" />
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { importRows } from '../lib/leads/importLeads';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { saveCampaign } from '../lib/campaigns/campaigns';
import { parseCampaignText } from '../lib/campaigns/spec';
import { launchChromium, openStatusPage } from './support/browser';
import { startTestStatusServer } from './support/browserServer';

const CAMPAIGN_FILE = join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml');

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** 40 demo leads through the pipeline, and 6 prospects of the payroll campaign sent as a dry run. */
async function seed(store: Store): Promise<void> {
  await runPipeline(store, { leads: 40, seed: 5, channels: ['email'], batchSize: 20 });
  await saveCampaign(store, parseCampaignText(readFileSync(CAMPAIGN_FILE, 'utf8'), CAMPAIGN_FILE), { state: 'active' });
  const rows = Array.from({ length: 6 }, (_, i) => ({ email: `owner${i}@bistro${i}.example`, first_name: `Owner${i}`, company: `Bistro ${i}`, title: 'Finance Director', website: `https://bistro${i}.example` }));
  await importRows(store, rows, { source: 'test', campaign: 'payroll-restaurants' });
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'], campaign: 'payroll-restaurants' });
  await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants' }, sendingConfigFromEnv({}, { live: false }));
}

test('the API gives the campaigns and one campaign\'s metrics; an unknown campaign is a 400 naming the campaigns there are', async (t) => {
  const s = await startTestStatusServer(t, { seed });
  const list = (await (await s.authed('/api/campaigns')).json()) as { campaigns: { name: string; state: string; leads: number }[] };
  assert.deepEqual(list.campaigns.map((c) => [c.name, c.state, c.leads]), [['demo', 'active', 40], ['payroll-restaurants', 'active', 6]]);
  const m = (await (await s.authed('/api/metrics?campaign=payroll-restaurants')).json()) as { funnel: { leads: number }[]; campaign: { product: string } };
  assert.deepEqual(m.funnel.map((f) => f.leads), [6, 6, 6, 0, 0], 'a dry run is not counted as sent');
  assert.equal(m.campaign.product, 'Tillpoint Payroll');
  const all = (await (await s.authed('/api/metrics')).json()) as { funnel: { leads: number }[]; campaign: null };
  assert.equal(all.funnel[0].leads, 46);
  assert.equal(all.campaign, null);
  const bad = await s.authed('/api/metrics?campaign=nope');
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /no campaign "nope" in the store; campaigns: demo, payroll-restaurants/);
});

test('in Chromium, choosing a campaign shows its funnel and what it sells; "All campaigns" shows the store again', async (t) => {
  const s = await startTestStatusServer(t, { seed });
  const { page, problems } = await openStatusPage(browser, t, s.url);
  const total = () => page.locator('[data-metric="total"]').innerText();
  await page.waitForFunction(() => document.querySelector('[data-metric="total"]')?.textContent === '46');
  const options = await page.locator('#campaign-filter option').allInnerTexts();
  assert.deepEqual(options, ['All campaigns', 'demo (active, 40 leads)', 'payroll-restaurants (active, 6 leads)']);

  await page.selectOption('#campaign-filter', 'payroll-restaurants');
  await page.waitForFunction(() => document.querySelector('[data-metric="total"]')?.textContent === '6');
  assert.equal(await page.locator('#funnel [data-stage="sent"] .num').innerText(), '0');
  assert.equal(await page.locator('[data-metric="sendModes"]').first().innerText(), '6 simulated (dry run, not sent)');
  assert.match(await page.locator('#campaign-info').innerText(), /Campaign payroll-restaurants \(active\): Tillpoint Payroll/);

  await page.selectOption('#campaign-filter', '');
  await page.waitForFunction(() => document.querySelector('[data-metric="total"]')?.textContent === '46');
  assert.equal(await total(), '46');
  assert.equal(await page.locator('#campaign-info').isHidden(), true);
  assert.deepEqual(problems, []);
});
