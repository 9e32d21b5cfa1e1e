/**
 * The store's asynchronous face (lib/store/db.ts) on both databases, and what opening a PostgreSQL store promises:
 * migrations once however many workers start, a newer store refused untouched, its own schema, clear errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { DbUsageError } from '../lib/store/db';
import { openDb } from '../lib/store/openDb';
import { StoreError } from '../lib/store/store';
import { PG_SCHEMA_VERSION } from '../lib/store/pg/schema';
import { bothDrivers, freshLocation, openForTest } from './support/stores';
import { tempStorePath } from './support/tmp';
import { testDatabase } from './support/postgres';

const LEAD_SQL = `INSERT INTO leads (email, first_name, last_name, title, company, company_domain, website, industry, country, timezone, source, variant, created_at, updated_at)
  VALUES (?, 'A', 'B', 'CTO', 'Co', 'x.example', 'https://x.example', 'Tech', 'DE', 'UTC', 'test', 'A', '2026-01-01', '2026-01-01') ON CONFLICT DO NOTHING`;

const emails = async (db: { all: (sql: string) => Promise<unknown[][]> }) => (await db.all('SELECT email FROM leads ORDER BY id')).map((r) => r[0]);

bothDrivers('a transaction commits what it wrote; a throw rolls it all back; a nested one rolls back only itself', async (t, s) => {
  await s.transaction(async (tx) => {
    await tx.run(LEAD_SQL, ['kept@x.example']);
  });
  await assert.rejects(
    s.transaction(async (tx) => {
      await tx.run(LEAD_SQL, ['lost@x.example']);
      throw new Error('boom');
    }),
    /boom/,
  );
  await s.transaction(async (tx) => {
    await tx.run(LEAD_SQL, ['outer@x.example']);
    await assert.rejects(
      tx.transaction(async (inner) => {
        await inner.run(LEAD_SQL, ['inner@x.example']);
        throw new Error('inner');
      }),
      /inner/,
    );
  });
  assert.deepEqual(await emails(s), ['kept@x.example', 'outer@x.example']);
});

bothDrivers('a ? inside a string literal is text, not a placeholder', async (t, s) => {
  assert.deepEqual(await s.get("SELECT 'what?', ?, 'it''s ?'", ['x']), ['what?', 'x', "it's ?"]);
});

bothDrivers('an address is one lead whatever its case, and found in any case', async (t, s) => {
  assert.equal(await s.run(LEAD_SQL, ['Ann@X.example']), 1);
  assert.equal(await s.run(LEAD_SQL, ['ann@x.EXAMPLE']), 0);
  assert.deepEqual(await s.get('SELECT email FROM leads WHERE email = ?', ['ANN@x.example']), ['Ann@X.example']);
});

bothDrivers('lock() outside a transaction is refused: it holds only to a transaction’s end', async (t, s) => {
  await assert.rejects(s.lock('anything'), DbUsageError);
  await s.transaction(async (tx) => tx.lock('anything'));
});

test('SQLite: another task writing while an asynchronous transaction is open waits for it, and survives its rollback', async (t) => {
  const s = await openForTest(t, tempStorePath(t));
  const order: string[] = [];
  const failing = s.transaction(async (tx) => {
    await tx.run(LEAD_SQL, ['rolled-back@x.example']);
    // Let every other task run: one of them writes meanwhile.
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => queueMicrotask(r));
    order.push('transaction ends');
    throw new Error('abandoned');
  });
  const other = (async () => {
    await Promise.resolve();
    await s.run(LEAD_SQL, ['other-task@x.example']);
    order.push('other task wrote');
  })();
  await assert.rejects(failing, /abandoned/);
  await other;
  assert.deepEqual(order, ['transaction ends', 'other task wrote']);
  assert.deepEqual(await emails(s), ['other-task@x.example']);
});

async function schemaVersions(url: string, schema: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    return r.rows.map((x) => x.version);
  } finally {
    await client.end();
  }
}

test('PostgreSQL: four workers opening a new store at once migrate it once, and all of them can use it', async (t) => {
  const url = await freshLocation(t, 'postgres');
  const workers = await Promise.all([1, 2, 3, 4].map(() => openForTest(t, url)));
  assert.deepEqual(await schemaVersions(url, 'leadflow'), Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
  for (const [i, w] of workers.entries()) assert.equal(await w.run(LEAD_SQL, [`w${i}@x.example`]), 1);
  assert.deepEqual(await workers[0].get("SELECT count(*), min(name) FROM campaigns WHERE name = 'demo'"), [1, 'demo']);
});

test('PostgreSQL: a store written by a newer leadflow is refused and left as it was', async (t) => {
  const url = await testDatabase(t);
  const first = await openDb(url);
  await first.run("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'later')");
  if (first.dialect === 'postgres') await first.close();
  await assert.rejects(openDb(url), (err: Error) => err instanceof StoreError && /version 999, written by a newer leadflow/.test(err.message));
  assert.deepEqual((await schemaVersions(url, 'leadflow')).at(-1), 999);
});

test('PostgreSQL: ?schema= keeps the store in a schema of its own; a name that is not plain is refused', async (t) => {
  const url = await testDatabase(t);
  const teamA = await openForTest(t, `${url}?schema=team_a`);
  await teamA.run(LEAD_SQL, ['a@x.example']);
  const byDefault = await openForTest(t, url);
  assert.deepEqual(await emails(byDefault), [], 'the default schema (leadflow) is another store');
  assert.deepEqual(await schemaVersions(url, 'team_a'), Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
  await assert.rejects(openDb(`${url}?schema=x;drop`), (err: Error) => err instanceof StoreError && /not a plain schema name/.test(err.message));
});

test('PostgreSQL: a server that cannot be reached is a config error naming the store without its password', async () => {
  const url = 'postgres://leadflow:s3cret@127.0.0.1:1/nowhere';
  await assert.rejects(openDb(url), (err: Error) => {
    assert.ok(err instanceof StoreError, String(err));
    assert.match(err.message, /cannot open the store at postgres:\/\/leadflow:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    assert.doesNotMatch(err.message, /s3cret/);
    return true;
  });
});
