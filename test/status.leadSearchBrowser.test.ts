/// <reference lib="dom" />
/**
 * The status page's lead table in real Chromium on a store past the search count's cap: the search box finds a lead
 * by name ignoring accents, a common search reads "10,000+", and Next / Previous page by cursor (`after=` / `before=`,
 * seen on the wire) while the label counts pages as offset pages would.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Store } from '../lib/store/store';
import { ingestLeads } from '../lib/leads/ingest';
import { listLeads } from '../lib/store/leads';
import { SEARCH_COUNT_CAP } from '../lib/store/leadSearch';
import type { LeadInput } from '../lib/types';
import { launchChromium, openStatusPage } from './support/browser';
import { startTestStatusServer } from './support/browserServer';
import { person } from './support/goodLead';

const PLENTY = SEARCH_COUNT_CAP + 40;


function seed(s: Store): void {
  const many = Array.from({ length: PLENTY }, (_, i) => person(`Pat${i}`, 'Plenty', `pat${i}@plenty.example`, 'Plenty Co'));
  s.tx(() => ingestLeads(s, [...many, person('Renée', 'Åström', 'renee@nordlys.example', 'Nordlys Bank')], new Date().toISOString()));
}

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const ids = (page: Page) => page.locator('#leads tbody tr').evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.id)));
const label = (text: string) => (page: Page) =>
  page.waitForFunction((want) => document.getElementById('page-info')?.textContent === want, text);

test('the search box finds by name ignoring accents, shows a capped count as "10,000+", and Next/Previous page by cursor', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const { page, problems } = await openStatusPage(browser, t, h.url + '/');
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/leads?')) asked.push(new URL(r.url()).search);
  });
  await label(`1–20 of ${(PLENTY + 1).toLocaleString('en')}`)(page);

  await page.fill('#search', 'renee astrom');
  await label('1–1 of 1')(page);
  assert.deepEqual(await ids(page), [listLeads(h.store, { search: 'Renée' }).leads[0].id]);
  assert.equal(await page.isDisabled('#next'), true);

  await page.fill('#search', 'plenty');
  await label('1–20 of 10,000+')(page);
  const offsetPage = (n: number) => listLeads(h.store, { search: 'plenty', limit: 20, offset: (n - 1) * 20 }).leads.map((l) => l.id);
  assert.deepEqual(await ids(page), offsetPage(1));
  assert.equal(await page.isDisabled('#prev'), true);

  asked.length = 0;
  await page.click('#next');
  await label('21–40 of 10,000+')(page);
  assert.deepEqual(await ids(page), offsetPage(2));
  await page.click('#next');
  await label('41–60 of 10,000+')(page);
  assert.deepEqual(await ids(page), offsetPage(3));
  assert.deepEqual(
    asked.map((q) => new URLSearchParams(q).get('after')),
    [String(offsetPage(1).at(-1)), String(offsetPage(2).at(-1))],
    'Next asks for the page after the last lead shown',
  );
  assert.ok(asked.every((q) => !new URLSearchParams(q).has('page')), 'no offset');

  asked.length = 0;
  await page.click('#prev');
  await label('21–40 of 10,000+')(page);
  assert.deepEqual(await ids(page), offsetPage(2));
  await page.click('#prev');
  await label('1–20 of 10,000+')(page);
  assert.deepEqual(await ids(page), offsetPage(1));
  assert.deepEqual(
    asked.map((q) => [new URLSearchParams(q).get('before'), new URLSearchParams(q).get('after')]),
    [[String(offsetPage(3)[0]), null], [null, null]],
    'Previous asks for the page before the first lead shown; the first page is read from the start',
  );
  assert.equal(await page.isDisabled('#prev'), true);
  assert.deepEqual(problems, []);
});

test('the last page of a status disables Next, and a new search starts again from the first page', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  h.store.stmt("UPDATE leads SET status = 'REPLIED' WHERE id % 500 = 0").run();
  const replied = listLeads(h.store, { status: 'REPLIED', limit: 100 }).leads.map((l) => l.id);
  assert.equal(replied.length, 20);
  const { page, problems } = await openStatusPage(browser, t, h.url + '/');
  await page.selectOption('#status-filter', 'REPLIED');
  await label('1–20 of 20')(page);
  assert.deepEqual(await ids(page), replied);
  assert.equal(await page.isDisabled('#next'), true, 'exactly one page: nothing after it');

  await page.selectOption('#status-filter', '');
  await label(`1–20 of ${(PLENTY + 1).toLocaleString('en')}`)(page);
  await page.click('#next');
  await label(`21–40 of ${(PLENTY + 1).toLocaleString('en')}`)(page);
  await page.fill('#search', 'pat12');
  await label('1–20 of 111')(page);
  assert.deepEqual(await ids(page), listLeads(h.store, { search: 'pat12', limit: 20 }).leads.map((l) => l.id));
  assert.deepEqual(problems, []);
});
