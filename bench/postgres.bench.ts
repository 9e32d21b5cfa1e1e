/**
 * The lead path on both databases, side by side in one run: what n8n's nodes do, on the Db face both stores serve —
 * leads in (`ingestStored`, 1,000 a call, as Generate Leads does), enriched and written (`enrichChosen`,
 * `personalizeChosen` on email and LinkedIn, 1,000 a call, as the stage nodes do), then a dry-run send of every
 * email (`sendReady`, which records a dry run's batch directly on either database); then two reads of what it left,
 * the funnel (`getMetrics`: SQLite reads its kept tallies, PostgreSQL counts its rows) and a search page. SQLite's file
 * and a PostgreSQL 15 on loopback (its own cluster, started here: scripts/postgres.mjs), fresh for each measurement,
 * the two alternating; the offline `runPipeline` on SQLite at the same size is printed beside them for scale.
 *
 * Usage: npm run bench:postgres [-- 10000 [rounds]]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, closeDb, type AnyStore } from '../lib/store/openDb';
import { closeLeasedPgStores, leasePgStore, openPgStore } from '../lib/store/pg/pgStore';
import { openStore } from '../lib/store/store';
import { generateLeads } from '../lib/leads/generate/generate';
import { ingestStored } from '../lib/leads/ingest';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { runPipeline } from '../lib/pipeline/pipeline';
import { getMetrics } from '../lib/metrics/metrics';
import { listLeadsOf } from '../lib/store/leads';
import { startPostgresCluster } from '../test/support/postgres';

const CALL = 1_000;

interface Lane {
  seconds: number;
  stages: { in: number; enrich: number; personalize: number; send: number };
  /** Reads of the store the lead path left, median ms of `READS` each: the funnel, a search page. */
  reads: { metrics: number; search: number };
}

const READS = 5;

/** The median ms of `READS` calls of `read` (after one to warm the caches). */
async function timed(read: () => Promise<unknown>): Promise<number> {
  await read();
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t = performance.now();
    await read();
    times.push(performance.now() - t);
  }
  return median(times);
}

async function lane(store: AnyStore, n: number): Promise<Lane> {
  const leads = generateLeads({ count: n, seed: 7 });
  const lap = (() => {
    let at = performance.now();
    return () => {
      const now = performance.now();
      const s = (now - at) / 1000;
      at = now;
      return s;
    };
  })();
  const started = performance.now();
  const ids: number[] = [];
  for (let i = 0; i < n; i += CALL) for (const r of await ingestStored(store, leads.slice(i, i + CALL))) ids.push(r.lead!.id);
  const inSeconds = lap();
  for (let i = 0; i < n; i += CALL) await enrichChosen(store, ids.slice(i, i + CALL));
  const enrich = lap();
  for (let i = 0; i < n; i += CALL) await personalizeChosen(store, ids.slice(i, i + CALL), { channels: ['email', 'linkedin'] });
  const personalize = lap();
  const sent = await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }));
  if (sent.simulated !== n) throw new Error(`the dry run recorded ${sent.simulated} of ${n}`);
  const send = lap();
  const seconds = (performance.now() - started) / 1000;
  const reads = { metrics: await timed(() => getMetrics(store)), search: await timed(() => listLeadsOf(store, { search: 'head', limit: 20 })) };
  return { seconds, stages: { in: inSeconds, enrich, personalize, send }, reads };
}

async function freshPostgres(clusterUrl: string, i: number): Promise<string> {
  const name = `bench_${process.pid}_${i}`;
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(clusterUrl);
  u.pathname = `/${name}`;
  return u.href;
}

const EXECUTIONS = 200;

/**
 * What a node execution pays for its store before its work: `EXECUTIONS` executions one after another, each opening
 * the store, reading one count and closing it — with a fresh pool each time, and leased (what withNodeDb does).
 * Median ms per execution of the two, on one database.
 */
async function executionOpens(url: string): Promise<{ fresh: number; leased: number }> {
  const one = async (open: () => Promise<AnyStore>) => {
    const store = await open();
    await store.get("SELECT count(*) FROM leads WHERE status = 'NEW'");
    await closeDb(store);
  };
  const per = async (open: () => Promise<AnyStore>) => {
    const times: number[] = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      const t = performance.now();
      await one(open);
      times.push(performance.now() - t);
    }
    return median(times);
  };
  const fresh = await per(() => openPgStore(url));
  const leased = await per(() => leasePgStore(url));
  await closeLeasedPgStores();
  return { fresh, leased };
}

const perSecond = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : Math.round(x).toLocaleString('en-US')} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  const rounds = Number(process.argv[3] ?? 3);
  const cluster = await startPostgresCluster();
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-pg-bench-'));
  const results: Record<'sqlite' | 'postgres' | 'pipeline', Lane[]> = { sqlite: [], postgres: [], pipeline: [] };
  let opens: { fresh: number; leased: number } | undefined;
  try {
    opens = await executionOpens(await freshPostgres(cluster.url, rounds));
    for (let round = 0; round < rounds; round++) {
      for (const kind of ['sqlite', 'postgres'] as const) {
        const store = await openDb(kind === 'sqlite' ? join(dir, `s${round}.db`) : await freshPostgres(cluster.url, round));
        try {
          results[kind].push(await lane(store, n));
        } finally {
          await closeDb(store);
        }
      }
      const file = openStore(join(dir, `p${round}.db`));
      const t0 = performance.now();
      await runPipeline(file, { leads: n, seed: 7, channels: ['email', 'linkedin'] });
      file.close();
      results.pipeline.push({ seconds: (performance.now() - t0) / 1000, stages: { in: 0, enrich: 0, personalize: 0, send: 0 }, reads: { metrics: 0, search: 0 } });
      console.log(`round ${round + 1}: ${(['sqlite', 'postgres', 'pipeline'] as const).map((k) => `${k} ${results[k][round].seconds.toFixed(1)} s`).join(', ')}`);
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n| ${n.toLocaleString('en-US')} leads, median of ${rounds} | leads/s | in | enrich | personalize | dry-run send | metrics | search page |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const kind of ['sqlite', 'postgres'] as const) {
    const m = median(results[kind].map((r) => r.seconds));
    const r = results[kind].find((x) => x.seconds === m)!;
    const s = r.stages;
    console.log(`| the lead path on ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${perSecond(n, m)} | ${perSecond(n, s.in)} | ${perSecond(n, s.enrich)} | ${perSecond(n, s.personalize)} | ${perSecond(n, s.send)} | ${ms(median(results[kind].map((x) => x.reads.metrics)))} | ${ms(median(results[kind].map((x) => x.reads.search)))} |`);
  }
  console.log(`| \`runPipeline\` on SQLite (for scale) | ${perSecond(n, median(results.pipeline.map((r) => r.seconds)))} | | | | | | |`);
  console.log(`\nA node execution's store on PostgreSQL (open, one read, close; median of ${EXECUTIONS}): a fresh pool ${ms(opens!.fresh)}, leased ${ms(opens!.leased)}.`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
