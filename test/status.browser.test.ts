/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { getMetrics } from '../lib/metrics/metrics';
import { listLeads, getLeadByEmail } from '../lib/store/leads';
import { latestRun } from '../lib/store/runs';
import { ingestLeads } from '../lib/leads/ingest';
import { launchChromium, openStatusPage } from './support/browser';
import { startTestStatusServer, TEST_TOKEN } from './support/browserServer';

const XSS_NAME = '<img src=x onerror=alert(1)>';
const XSS_LAST = '<script>alert(2)</script>';
const XSS_COMPANY = '"><svg onload=alert(3)>';
const SCREENSHOT = join(__dirname, '..', 'docs', 'status-page.png');

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** 300 leads through the pipeline, a few replies, and one lead whose fields are HTML. */
async function seed(s: Store): Promise<void> {
  await runPipeline(s, { leads: 300, seed: 17, channels: ['email', 'linkedin'], batchSize: 100 });
  s.stmt("UPDATE leads SET status = 'REPLIED' WHERE id % 25 = 0").run();
  s.tx(() =>
    ingestLeads(
      s,
      [
        {
          firstName: XSS_NAME,
          lastName: XSS_LAST,
          email: 'mallory@attack.test',
          title: 'Head of <b>Pwn</b>',
          company: XSS_COMPANY,
          website: 'https://attack.test',
          linkedinUrl: '',
          industry: 'Technology',
          country: 'Germany',
          timezone: 'Europe/Berlin',
          synthetic: true,
          source: 'test',
        },
      ],
      new Date().toISOString(),
    ),
  );
}

const openPage = (t: TestContext, url: string, viewport?: { width: number; height: number }) => openStatusPage(browser, t, url, viewport);

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();
const rowCount = (page: Page) => page.locator('#leads tbody tr').count();

async function waitForRows(page: Page, n: number) {
  await page.waitForFunction((want) => document.querySelectorAll('#leads tbody tr').length === want, n);
}

test('the page shows the same counts as the store: cards, funnel and variants', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const { page, problems } = await openPage(t, h.url + '/');
  const m = await getMetrics(h.store);
  await page.waitForFunction((n) => document.querySelector('[data-metric="total"]')?.textContent === n, String(m.leads.total));
  const reached = Object.fromEntries(m.funnel.map((f) => [f.stage, f.leads]));
  assert.equal(await text(page, '[data-metric="enriched"]'), String(reached.enriched));
  assert.equal(await text(page, '[data-metric="sent"]'), String(reached.sent));
  assert.equal(await text(page, '[data-metric="replied"]'), String(reached.replied));
  assert.equal(reached.replied, 12);

  const funnel = await page.locator('#funnel .step .num').allInnerTexts();
  assert.deepEqual(funnel, m.funnel.map((f) => String(f.leads)));
  const variants = await page.locator('#variants tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
  );
  assert.deepEqual(variants, m.variants.map((v) => [v.variant, String(v.leads)]));
  assert.deepEqual(problems, []);
});

test('search and the status filter narrow the lead table, pages move through it, and the export follows the filter', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const { page, problems } = await openPage(t, h.url + '/');
  await waitForRows(page, 20);
  assert.match(await text(page, '#page-info'), /^1–20 of 301$/);
  await page.click('#next');
  await page.waitForFunction(() => document.getElementById('page-info')?.textContent?.startsWith('21–40'));
  assert.equal(await page.locator('#leads tbody tr').first().getAttribute('data-id'), String(listLeads(h.store, { limit: 1, offset: 20 }).leads[0].id));

  const target = listLeads(h.store, { limit: 1, offset: 42 }).leads[0];
  await page.fill('#search', target.email);
  await waitForRows(page, 1);
  assert.equal(await page.locator('#leads tbody tr').first().getAttribute('data-id'), String(target.id));

  await page.fill('#search', '');
  await page.selectOption('#status-filter', 'REPLIED');
  await page.waitForFunction(() => document.getElementById('page-info')?.textContent === '1–12 of 12');
  assert.equal(await rowCount(page), 12);
  const statuses = await page.locator('#leads tbody .status').allInnerTexts();
  assert.ok(statuses.every((s) => s === 'REPLIED'));
  assert.equal(await page.getAttribute('#export', 'href'), '/api/export.csv?status=REPLIED');
  const csv = await page.evaluate(async () => (await fetch(document.querySelector<HTMLAnchorElement>('#export')!.href)).text());
  assert.equal(csv.trimEnd().split('\n').length, 13, 'header + the 12 replied leads');
  assert.deepEqual(problems, []);
});

test('clicking a lead opens its detail: fields, enrichment with provenance, messages and sends', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const { page, problems } = await openPage(t, h.url + '/');
  const lead = listLeads(h.store, { limit: 1, offset: 4 }).leads[0];
  await page.fill('#search', lead.email);
  await waitForRows(page, 1);
  await page.click('#leads tbody tr');
  await page.waitForSelector('#detail[open]');
  assert.equal(await text(page, '#detail-name'), `${lead.firstName} ${lead.lastName}`);
  const body = await text(page, '#detail-body');
  assert.ok(body.includes(lead.email));
  assert.match(body, /Enrichment \(rules-v1\)/);
  assert.match(body, /Messages \(4\)/);
  assert.ok((await page.locator('#detail-body .prov').allInnerTexts()).includes('rule'), 'provenance is shown');
  assert.equal(await page.locator('#detail-body pre').count(), 4);
  await page.click('#detail-close');
  await page.waitForSelector('#detail', { state: 'hidden' });
  assert.deepEqual(problems, []);
});

test('a lead named <img src=x onerror=alert(1)> is shown as text, in the table and in its detail', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const { page, problems } = await openPage(t, h.url + '/');
  await page.fill('#search', 'mallory@attack.test');
  await waitForRows(page, 1);
  assert.equal(await text(page, '#leads tbody td.name'), `${XSS_NAME} ${XSS_LAST}`);
  assert.equal(await page.locator('#leads tbody td').nth(3).textContent(), XSS_COMPANY);
  assert.equal(await page.locator('#leads img, #leads script, #leads svg, #leads b').count(), 0, 'no element was made from lead data');

  await page.click('#leads tbody tr');
  await page.waitForSelector('#detail[open]');
  assert.equal(await page.locator('#detail-name').textContent(), `${XSS_NAME} ${XSS_LAST}`);
  assert.equal(await page.locator('#detail img, #detail script, #detail svg, #detail b').count(), 0);
  assert.ok((await text(page, '#detail-body')).includes('Head of <b>Pwn</b>'));
  assert.deepEqual(problems, [], 'no alert ran and nothing failed');
});

test('Run shows the progress moving, Stop ends the run, a second run finishes it, and the page is screenshotted for the README', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const { page, problems } = await openPage(t, `${h.url}/#token=${TEST_TOKEN}`);
  assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
  await page.fill('#run-leads', '40000');
  await page.click('#run-start');
  const progress = () => page.getAttribute('#progress', 'aria-valuenow').then(Number);
  await page.waitForFunction(() => Number(document.getElementById('progress')?.getAttribute('aria-valuenow')) > 0);
  const first = await progress();
  await page.waitForFunction((v) => Number(document.getElementById('progress')?.getAttribute('aria-valuenow')) > v, first);
  assert.ok((await progress()) > first, 'the bar moved');
  assert.match(await text(page, '#run-status'), /^Run #\d+: \w+ [\d,]+ \/ [\d,]+ — \d+%$/);
  assert.equal(await page.isDisabled('#run-start'), true, 'one run at a time');

  await page.click('#run-stop');
  await page.waitForFunction(() => /stopped/.test(document.getElementById('run-status')?.textContent ?? ''));
  const run = latestRun(h.store)!;
  assert.equal(run.status, 'STOPPED');
  assert.equal(await page.isDisabled('#run-start'), false);
  // The cards follow the store once the run has ended.
  const total = String((await getMetrics(h.store)).leads.total);
  await page.waitForFunction((n) => document.querySelector('[data-metric="total"]')?.textContent?.replace(/,/g, '') === n, total);
  assert.ok(Number(total) < 300 + 1 + 40000, 'stopped before generating everything');

  // Run again with nothing new to generate: it carries the stopped run's leads through every stage to DONE.
  await page.fill('#run-leads', '0');
  await page.click('#run-start');
  await page.waitForFunction(() => /finished/.test(document.getElementById('run-status')?.textContent ?? ''));
  assert.equal(await page.getAttribute('#progress', 'aria-valuenow'), '100');
  const done = await getMetrics(h.store);
  assert.equal(done.leads.byStatus.NEW + done.leads.byStatus.ENRICHED + done.leads.byStatus.SENT, 0);
  assert.equal(done.simulated.leads, done.leads.total, 'every lead dry-run: simulated, none sent');
  await page.waitForFunction(
    (n) => document.querySelector('[data-metric="sent"]')?.textContent?.replace(/,/g, '') === n,
    String(done.funnel.find((f) => f.stage === 'sent')!.leads),
  );

  mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.deepEqual(problems, []);
});

test('the run buttons report a refusal from the server in words (live sending is not started from the page)', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const { page, problems } = await openPage(t, `${h.url}/#token=${TEST_TOKEN}`);
  await page.uncheck('#run-dry');
  await page.click('#run-start');
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await text(page, '#notice'), /dry run/i);
  assert.equal(latestRun(h.store)?.id, 1, 'only the seeding run exists');
  assert.ok(getLeadByEmail(h.store, 'mallory@attack.test'));
  // A refused request is a 400 the browser logs as a failed resource load; that is the only console error allowed.
  assert.ok(problems.every((p) => /status of 400/.test(p)), problems.join('\n'));
});

test('served beyond loopback, the page asks for the token, then reads, streams and exports with it', async (t) => {
  const h = await startTestStatusServer(t, { seed, host: '0.0.0.0' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(h.url + '/');
  await page.waitForSelector('#token-form:not([hidden])');
  await page.waitForFunction(() => document.getElementById('live')?.textContent === 'needs the token');
  assert.equal(await rowCount(page), 0, 'no lead is shown without the token');
  assert.match(await text(page, '#notice'), /LEADFLOW_TOKEN/);

  await page.fill('#token-input', TEST_TOKEN);
  await page.click('#token-form button');
  await waitForRows(page, 20);
  await page.waitForFunction(() => document.getElementById('live')?.dataset.state === 'open');
  await page.waitForFunction((n) => document.querySelector('[data-metric="total"]')?.textContent === n, String((await getMetrics(h.store)).leads.total));

  await page.selectOption('#status-filter', 'REPLIED');
  await page.waitForFunction(() => document.getElementById('page-info')?.textContent === '1–12 of 12');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.equal(download.suggestedFilename(), 'leads-replied.csv');
  const { readFileSync } = await import('node:fs');
  const csv = readFileSync((await download.path())!, 'utf8');
  assert.equal(csv.trimEnd().split('\n').length, 13, 'header + the 12 replied leads');
});

test('on a phone-sized screen the page fits the width and the table scrolls inside its panel', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const { page, problems } = await openPage(t, h.url + '/', { width: 390, height: 844 });
  await waitForRows(page, 20);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  assert.equal(await page.locator('#leads th.wide').first().isVisible(), false, 'secondary columns fold away');
  assert.deepEqual(problems, []);
});
