/**
 * `leasePgStore`: what an n8n worker's executions open — one pool per connection setting, shared by every lease and
 * kept a while after the last lets go, so execution after execution reuses its connection instead of logging in and
 * checking the schema again. Against the real server: which backend (`pg_backend_pid()`) answers tells.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { closeLeasedPgStores, leasePgStore } from '../lib/store/pg/pgStore';
import { testDatabase } from './support/postgres';

after(closeLeasedPgStores);

const backend = async (db: { get: (sql: string) => Promise<unknown[] | undefined> }) => Number((await db.get('SELECT pg_backend_pid()'))![0]);

async function backendAlive(url: string, pid: number): Promise<boolean> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

test('executions one after another reuse the lease’s connection; closing a lease lets go without ending the pool', async (t) => {
  const url = await testDatabase(t);
  const first = await leasePgStore(url, { idleMs: 60_000 });
  const pid = await backend(first);
  const second = await leasePgStore(url, { idleMs: 60_000 });
  await first.close();
  assert.equal(await backend(second), pid, 'the other lease still works, on the same connection');
  await second.close();
  for (let i = 0; i < 5; i++) {
    const next = await leasePgStore(url, { idleMs: 60_000 });
    assert.equal(await backend(next), pid, `execution ${i + 1} logged in again`);
    await next.close();
    await next.close(); // letting go twice is letting go once
  }
  const other = await leasePgStore(`${url}?schema=other_store`, { idleMs: 60_000 });
  assert.notEqual(await backend(other), pid, 'another setting is another pool');
  assert.deepEqual(await other.all('SELECT current_schema()'), [['other_store']]);
  await other.close();
});

test('a pool nobody leases closes after its idle time; the next lease opens a new one', async (t) => {
  const url = await testDatabase(t);
  const lease = await leasePgStore(url, { idleMs: 100 });
  const pid = await backend(lease);
  await lease.close();
  let alive = true;
  for (let i = 0; i < 50 && alive; i++) {
    await new Promise((r) => setTimeout(r, 100));
    alive = await backendAlive(url, pid);
  }
  assert.equal(alive, false, 'the idle pool ended its connection');
  const again = await leasePgStore(url, { idleMs: 100 });
  assert.notEqual(await backend(again), pid);
  await again.close();
});

test('a store that cannot be opened is not kept: once the database is there, the next lease opens it', async (t) => {
  const url = await testDatabase(t);
  const missing = new URL(url);
  missing.pathname = `${missing.pathname}_later`;
  await assert.rejects(leasePgStore(missing.href, { idleMs: 100 }), /cannot open the store at postgres:\/\/.+: database ".+_later" does not exist/);
  // Made and dropped from the cluster's own database: the test's database is dropped on its own after the test.
  const cluster = new URL(url);
  cluster.pathname = '/postgres';
  const asAdmin = async (sql: string) => {
    const admin = new pg.Client({ connectionString: cluster.href });
    await admin.connect();
    await admin.query(sql).finally(() => admin.end());
  };
  await asAdmin(`CREATE DATABASE ${missing.pathname.slice(1)}`);
  t.after(() => asAdmin(`DROP DATABASE IF EXISTS ${missing.pathname.slice(1)} WITH (FORCE)`));
  const store = await leasePgStore(missing.href, { idleMs: 100 });
  assert.deepEqual(await store.all('SELECT count(*) FROM leads'), [[0]]);
  await store.close();
});
