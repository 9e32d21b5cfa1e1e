/**
 * Real PostgreSQL 15 for the tests. `npm test` (scripts/test.mjs) starts one cluster for the whole run and passes its
 * URL in LEADFLOW_TEST_PG_URL; a test file run alone (`node --import tsx --test test/x.test.ts`) starts its own, once
 * per process, stopped when the process ends. Each call of testDatabase gets a fresh, empty database.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { closeLeasedPgStores } from '../../lib/store/pg/pgStore';
import type { PostgresCluster } from '../../scripts/postgres.mjs' with { 'resolution-mode': 'import' };

export type { PostgresCluster };

export async function startPostgresCluster(): Promise<PostgresCluster> {
  return (await import('../../scripts/postgres.mjs')).startPostgresCluster();
}

let own: Promise<PostgresCluster> | undefined;

/** The superuser's URL on the cluster's `postgres` database (the shared cluster, or this process's own). */
export function testClusterUrl(): Promise<string> {
  const shared = process.env.LEADFLOW_TEST_PG_URL;
  if (shared) return Promise.resolve(shared);
  own ??= startPostgresCluster().then((cluster) => {
    process.once('exit', () => cluster.stopSync());
    // Killed by a signal a process skips its 'exit' handlers: exit instead (which runs them). `on`, not `once`: a
    // second signal during the cleanup then waits for it rather than killing the process halfway through.
    process.on('SIGINT', () => process.exit(130));
    process.on('SIGTERM', () => process.exit(143));
    return cluster;
  });
  return own.then((cluster) => cluster.url);
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops the database once nobody uses it: after the test's own later `after` hooks have closed their connections. */
async function dropWhenUnused(url: string, name: string): Promise<void> {
  const until = Date.now() + 10_000;
  await admin(url, async (client) => {
    for (;;) {
      const force = Date.now() > until ? ' WITH (FORCE)' : '';
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name}${force}`);
        return;
      } catch (e) {
        // 55006 object_in_use: a connection to it is still open.
        if ((e as { code?: string }).code !== '55006') throw e;
        await sleep(50);
      }
    }
  });
}

/**
 * A fresh, empty database (`lf_<random>`) on the test cluster, owned by its superuser `leadflow`; resolves to its URL.
 * With `t`, it is dropped after that test: in the background once the connections to it are closed (the test's
 * `after` hooks run in the order registered, so those closing them usually run after this one), forced after 10 s.
 */
export async function testDatabase(t?: TestContext): Promise<string> {
  const cluster = await testClusterUrl();
  const name = `lf_${randomBytes(8).toString('hex')}`;
  await admin(cluster, (client) => client.query(`CREATE DATABASE ${name}`));
  if (t) {
    t.after(async () => {
      // The nodes' leased pools (an n8n worker keeps them a minute) would hold the database open: end them first.
      await closeLeasedPgStores();
      dropWhenUnused(cluster, name).catch((e: unknown) => console.error(`# could not drop test database ${name}: ${String(e)}`));
    });
  }
  const url = new URL(cluster);
  url.pathname = `/${name}`;
  return url.href;
}
