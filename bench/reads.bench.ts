/**
 * Read benchmark (issue "A million leads, instantly readable"): the reads a user makes, each on stores of several
 * sizes made the way a user makes them (`runPipeline`, the dry-run pipeline `leadflow run --leads N` runs), with
 * p50/p95 per read and the largest/smallest ratio (flat in N means a ratio near 1).
 *
 *   metrics      getMetrics — `leadflow metrics`, GET /api/metrics (the page's funnel and every live update),
 *                MCP get_metrics and the Outreach Metrics node all compute this one snapshot
 *   search       listLeads({ search: 'acme', limit: 20 }) — what the page's search box asks (GET /api/leads?q=acme&limit=20),
 *                as `leadflow leads --search` and MCP list_leads do: the full-text index, a total counted to its cap
 *                ('acme' matches no generated lead)
 *   search (common)  the same for 'head', a title word of about a fifth of generated leads: the total stops at 10,000
 *   status page  listLeads({ status: 'MESSAGED', limit: 20, offset: ⌊N/2⌋ rounded to a page }) — deep paging by offset
 *   status page (cursor)  the same page by cursor, as the page's Next reads it: afterId = the lead just before it
 *   lead         getLeadDetail(⌊N/2⌋) — a lead's detail
 *   GET /api/metrics  the same snapshot through the status server, over HTTP, as the page reads it
 *   page in Chromium  the status page opened in real Chromium until its funnel is drawn (navigation, the page's
 *                     script, /api/metrics, /api/campaigns, the first page of leads and the event stream all included)
 *
 * Usage: npm run bench:reads [-- 1000 100000 1000000] (default 1000 100000; a 1M store takes ~2 minutes to make)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { getMetrics } from '../lib/metrics/metrics';
import { listLeads } from '../lib/store/leads';
import { getLeadDetail } from '../lib/leads/detail';
import { createLogger } from '../lib/log/logger';
import { startStatusServer } from '../status/server';
import { launchChromium } from '../test/support/browser';
import type { Browser } from 'playwright-core';

const ROUNDS = 15;

type Read = (store: Store, n: number) => unknown;

/** The middle MESSAGED page's offset, and the id of the lead just before it (found once per store, untimed: the warm-up read). */
const middleOffset = (n: number) => Math.floor(n / 2 / 20) * 20;
const beforeMiddle = new WeakMap<Store, number>();
function leadBeforeMiddle(s: Store, n: number): number {
  let id = beforeMiddle.get(s);
  if (id === undefined) {
    id = listLeads(s, { status: 'MESSAGED', limit: 1, offset: Math.max(0, middleOffset(n) - 1) }).leads[0]?.id ?? 0;
    beforeMiddle.set(s, id);
  }
  return id;
}

const READS: Record<string, Read> = {
  metrics: (s) => getMetrics(s),
  search: (s) => listLeads(s, { search: 'acme', limit: 20 }),
  'search (common)': (s) => listLeads(s, { search: 'head', limit: 20 }),
  'status page': (s, n) => listLeads(s, { status: 'MESSAGED', limit: 20, offset: middleOffset(n) }),
  'status page (cursor)': (s, n) => listLeads(s, { status: 'MESSAGED', limit: 20, afterId: leadBeforeMiddle(s, n) }),
  lead: (s, n) => getLeadDetail(s, Math.max(1, Math.floor(n / 2))),
};

/** Reads through the status server: `url` is its address. Each returns once the read is complete. */
const PAGE_READS: Record<string, (url: string, browser: Browser) => Promise<unknown>> = {
  'GET /api/metrics': async (url) => (await fetch(url + '/api/metrics')).json(),
  'page in Chromium': async (url, browser) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForFunction(() => (document.querySelector('#funnel')?.children.length ?? 0) > 0, undefined, { polling: 'raf' });
    } finally {
      await context.close();
    }
  },
};
const PAGE_ROUNDS = 7;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  if (sizes.length === 0) sizes.push(1_000, 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-reads-'));
  const results = new Map<number, Record<string, { p50: number; p95: number }>>();
  const browser = await launchChromium();
  try {
    for (const n of sizes) {
      const store = openStore(join(dir, `${n}.db`));
      const t0 = performance.now();
      await runPipeline(store, { leads: n, seed: 11, channels: ['email'], batchSize: 5_000 });
      process.stderr.write(`${n.toLocaleString('en')} leads made in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      const row: Record<string, { p50: number; p95: number }> = {};
      for (const [name, read] of Object.entries(READS)) {
        await read(store, n); // warm the page cache and the prepared statements, as a running server has them
        const times: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          const t = performance.now();
          await read(store, n);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        row[name] = { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
      }
      const server = await startStatusServer({
        storePath: join(dir, `${n}.db`),
        token: 'bench-token-0123456789abcdef',
        logger: createLogger({ name: 'status', level: 'silent' }),
        port: 0,
      });
      try {
        for (const [name, read] of Object.entries(PAGE_READS)) {
          await read(server.url, browser); // a first load fills the caches, as any page after the first finds them
          const times: number[] = [];
          for (let i = 0; i < PAGE_ROUNDS; i++) {
            const t = performance.now();
            await read(server.url, browser);
            times.push(performance.now() - t);
          }
          times.sort((a, b) => a - b);
          row[name] = { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
        }
      } finally {
        await server.close();
      }
      results.set(n, row);
      store.close();
      rmSync(join(dir, `${n}.db`), { force: true });
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  console.log(`| read | ${sizes.map((n) => `${n.toLocaleString('en')}: p50 / p95 ms`).join(' | ')} | ${last.toLocaleString('en')}/${first.toLocaleString('en')} (p95) |`);
  console.log(`|---|${sizes.map(() => '---|').join('')}---|`);
  for (const name of [...Object.keys(READS), ...Object.keys(PAGE_READS)]) {
    const cells = sizes.map((n) => `${ms(results.get(n)![name].p50)} / ${ms(results.get(n)![name].p95)}`);
    const ratio = results.get(last)![name].p95 / Math.max(0.01, results.get(first)![name].p95);
    console.log(`| ${name} | ${cells.join(' | ')} | ${ratio.toFixed(1)}× |`);
  }
}

void main();
