/** The tests' PostgreSQL (test/support/postgres.ts), through a real server: fresh databases, version, loopback only. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { testClusterUrl, testDatabase } from './support/postgres.ts';

async function client(t: TestContext, url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  t.after(() => c.end());
  return c;
}

async function one(c: pg.Client, sql: string): Promise<unknown> {
  const { rows } = await c.query<Record<string, unknown>>(sql);
  return Object.values(rows[0])[0];
}

/** 'connected' or the error code of a TCP connection to host:port. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('timeout', () => (socket.destroy(), resolve('timeout')));
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
  });
}

test('two test databases are distinct, fresh and empty', async (t) => {
  const [urlA, urlB] = [await testDatabase(t), await testDatabase(t)];
  assert.notEqual(urlA, urlB);
  const [a, b] = [await client(t, urlA), await client(t, urlB)];
  assert.equal(`/${String(await one(a, 'SELECT current_database()'))}`, new URL(urlA).pathname);
  assert.equal(`/${String(await one(b, 'SELECT current_database()'))}`, new URL(urlB).pathname);
  assert.match(new URL(urlA).pathname, /^\/lf_[0-9a-f]{16}$/);
  const tables = "SELECT count(*)::int FROM pg_class WHERE relnamespace = 'public'::regnamespace";
  assert.equal(await one(a, tables), 0);
  await a.query('CREATE TABLE leads (id int PRIMARY KEY)');
  await a.query('INSERT INTO leads VALUES (1)');
  assert.equal(await one(a, tables), 2, 'the table and its primary key index');
  assert.equal(await one(b, tables), 0, "A's table is not in B");
  await assert.rejects(b.query('SELECT * FROM leads'), /relation "leads" does not exist/);
  // The role is a superuser (tests may create extensions, roles, databases) reached without a password.
  assert.equal(await one(a, 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user'), true);
  assert.equal(await one(a, 'SELECT current_user'), 'leadflow');
});

test('it is PostgreSQL 15, in UTF-8, tuned for speed over durability', async (t) => {
  const c = await client(t, await testDatabase(t));
  assert.match(String(await one(c, 'SELECT version()')), /^PostgreSQL 15\.\d+/);
  assert.equal(await one(c, 'SHOW server_version_num').then((v) => Math.floor(Number(v) / 10000)), 15);
  assert.equal(await one(c, 'SHOW server_encoding'), 'UTF8');
  for (const name of ['fsync', 'synchronous_commit', 'full_page_writes']) assert.equal(await one(c, `SHOW ${name}`), 'off', name);
  assert.equal(await one(c, 'SHOW max_connections'), '200');
});

test('the shared cluster is used when LEADFLOW_TEST_PG_URL is set', { skip: !process.env.LEADFLOW_TEST_PG_URL }, async (t) => {
  const shared = new URL(process.env.LEADFLOW_TEST_PG_URL ?? '');
  const mine = new URL(await testDatabase(t));
  assert.equal(mine.host, shared.host);
  assert.notEqual(mine.pathname, shared.pathname);
});

test('the server listens on 127.0.0.1 only', async (t) => {
  const url = new URL(await testDatabase(t));
  const c = await client(t, url.href);
  assert.equal(url.hostname, '127.0.0.1');
  assert.equal(await one(c, 'SHOW listen_addresses'), '127.0.0.1');
  const port = Number(url.port);
  assert.equal(await tryConnect('127.0.0.1', port), 'connected', 'the port itself is open on loopback');
  // Linux routes all of 127.0.0.0/8 to the loopback interface: a server bound to 0.0.0.0 would answer on 127.0.0.2.
  // ::1 catches 'localhost'; the other interfaces' addresses (not link-local ones, which need a scope) catch '*'.
  const others = ['127.0.0.2'];
  for (const a of Object.values(networkInterfaces()).flat()) {
    if (a && a.address !== '127.0.0.1' && !a.address.startsWith('fe80:')) others.push(a.address);
  }
  assert.ok(others.includes('::1') || !Object.values(networkInterfaces()).flat().some((a) => a?.family === 'IPv6'));
  for (const host of others) assert.equal(await tryConnect(host, port), 'ECONNREFUSED', host);
});

test('with t, the database is dropped after the test, once its connections are closed', async (t) => {
  const admin = await client(t, await testClusterUrl());
  const exists = async (name: string) => (await one(admin, `SELECT count(*)::int FROM pg_database WHERE datname = '${name}'`)) === 1;
  let name = '';
  let ended = false;
  await t.test('a test that uses a database', async (st) => {
    const url = await testDatabase(st);
    name = new URL(url).pathname.slice(1);
    const c = new pg.Client({ connectionString: url });
    c.on('error', (e) => assert.fail(`the test's connection was ended by the drop: ${String(e)}`));
    await c.connect();
    // Registered after testDatabase's own hook, so it runs after it: the drop waits for this connection to close.
    st.after(async () => {
      await sleep(200);
      await c.end();
      ended = true;
    });
    await c.query('CREATE TABLE t (x int)');
  });
  assert.ok(ended);
  const until = Date.now() + 5000;
  while ((await exists(name)) && Date.now() < until) await sleep(50);
  assert.equal(await exists(name), false, `${name} was dropped`);
});
