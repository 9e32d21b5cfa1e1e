import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { openStore, StoreError } from '../lib/store/store';
import { MIGRATIONS, SCHEMA_VERSION } from '../lib/store/schema';
import { resolveDriver } from '../lib/store/driver';
import { defaultStorePath } from '../lib/store/location';
import { insertLead, getLeadByEmail } from '../lib/store/leads';
import { tempDir, tempStorePath } from './support/tmp';

const lead = (email: string) => ({
  email, firstName: 'Ada', lastName: 'Lovelace', title: 'CTO', company: 'Analytical Engines', companyDomain: 'engines.example',
  website: 'https://www.engines.example', linkedinUrl: '', industry: 'Technology', country: 'United Kingdom',
  timezone: 'Europe/London', synthetic: true, source: 'test', variant: 'A' as const,
});

test('a new store is created with WAL, foreign keys, a busy timeout and the current schema version', (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  assert.equal(s.stmt('PRAGMA journal_mode').get()?.journal_mode, 'wal');
  assert.equal(s.stmt('PRAGMA foreign_keys').get()?.foreign_keys, 1);
  assert.ok(Number(s.stmt('PRAGMA busy_timeout').get()?.timeout) >= 1000);
  assert.equal(s.stmt('PRAGMA user_version').get()?.user_version, SCHEMA_VERSION);
  for (const table of ['leads', 'enrichments', 'messages', 'sends', 'suppressions', 'events', 'runs']) {
    assert.ok(s.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table), `table ${table}`);
  }
});

test('the store uses the driver the environment asks for', (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const expected = process.env.LEADFLOW_SQLITE_DRIVER ?? 'better-sqlite3';
  assert.equal(s.driver, expected);
});

test('emails are unique regardless of case', (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const now = new Date().toISOString();
  const first = s.tx(() => insertLead(s, lead('Ada@Engines.example'), now));
  const second = s.tx(() => insertLead(s, lead('ada@engines.EXAMPLE'), now));
  assert.equal(typeof first, 'number');
  assert.equal(second, null);
  assert.equal(getLeadByEmail(s, 'ADA@ENGINES.EXAMPLE')?.id, first);
});

test('a transaction that throws leaves nothing half-written', (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const now = new Date().toISOString();
  assert.throws(() =>
    s.tx(() => {
      insertLead(s, lead('one@engines.example'), now);
      insertLead(s, lead('two@engines.example'), now);
      throw new Error('boom in the middle of a batch');
    }),
  /boom/);
  assert.equal(s.stmt('SELECT count(*) AS n FROM leads').get()?.n, 0);
});

test('a file that is not SQLite is refused with a clear error and left byte-for-byte as it was', (t) => {
  const path = join(tempDir(t), 'notes.db');
  writeFileSync(path, 'these are my meeting notes, not a database\n');
  const before = readFileSync(path);
  assert.throws(() => openStore(path), (err: Error) => err instanceof StoreError && /is not a SQLite database/.test(err.message));
  assert.deepEqual(readFileSync(path), before);
});

test('a store written by a newer schema is refused and not modified', (t) => {
  const path = tempStorePath(t);
  const s = openStore(path);
  s.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
  s.close();
  assert.throws(() => openStore(path), (err: Error) => /newer leadflow/.test(err.message) && err.message.includes(String(SCHEMA_VERSION + 5)));
  const header = readFileSync(path).subarray(60, 64).readUInt32BE(0);
  assert.equal(header, SCHEMA_VERSION + 5, 'user_version in the file header is unchanged');
});

test('opening an existing store keeps its data and does not migrate twice', (t) => {
  const path = tempStorePath(t);
  const a = openStore(path);
  a.tx(() => insertLead(a, lead('keep@engines.example'), new Date().toISOString()));
  a.close();
  const b = openStore(path);
  t.after(() => b.close());
  assert.equal(b.stmt('SELECT count(*) AS n FROM leads').get()?.n, 1);
  assert.equal(b.stmt('PRAGMA user_version').get()?.user_version, SCHEMA_VERSION);
});

test('the default store is $LEADFLOW_DB, else $DATABASE_PATH, else ~/.leadflow/leadflow.db', () => {
  assert.equal(defaultStorePath({ LEADFLOW_DB: '/data/a.db', DATABASE_PATH: '/data/b.db' }), '/data/a.db');
  assert.equal(defaultStorePath({ DATABASE_PATH: '/data/b.db' }), '/data/b.db');
  assert.match(defaultStorePath({}), /\.leadflow\/leadflow\.db$/);
});

test('with no SQLite driver available the error says how to fix the install', { skip: Number(process.versions.node.split('.')[0]) >= 22 && 'node:sqlite exists on this Node' }, () => {
  // Node 20 has no node:sqlite: forcing it reproduces what an n8n user on Node 20 sees when better-sqlite3 is unbuilt.
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "require('./lib/store/store').openStore(':memory:')"], {
    cwd: join(__dirname, '..'),
    encoding: 'utf8',
    env: { ...process.env, LEADFLOW_SQLITE_DRIVER: 'node:sqlite' },
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no SQLite driver loads/);
  assert.match(r.stderr, /npm rebuild better-sqlite3/);
  assert.match(r.stderr, /Node\.js >= 22\.13/);
});

test('a reader opening a path with no store gets a clear error and nothing is created', (t) => {
  const path = join(tempDir(t), 'typo', 'leadflow.db');
  assert.throws(() => openStore(path, { create: false }), (err: Error) => err instanceof StoreError && /there is no leadflow store at/.test(err.message));
  assert.equal(existsSync(join(path, '..')), false, 'no folder was made');
});

test('a store from before ids were kept unique is migrated with its leads, their rows and their references', (t) => {
  const path = tempStorePath(t);
  // Build a version-5 file the way the previous leadflow left it, with a lead that has a message and a send.
  const { open } = resolveDriver();
  const raw = open(path);
  for (const sql of MIGRATIONS.slice(0, 5)) raw.exec(sql);
  raw.exec('PRAGMA user_version = 5');
  const now = new Date().toISOString();
  raw.prepare(`INSERT INTO leads (id, email, first_name, last_name, title, company, company_domain, website, industry, country, timezone, source, variant, created_at, updated_at)
    VALUES (7, 'kept@engines.example', 'Ada', 'L', 'CTO', 'Engines', 'engines.example', 'https://engines.example', 'Technology', 'UK', 'Europe/London', 'test', 'A', ?, ?)`).run(now, now);
  raw.prepare("INSERT INTO messages (id, lead_id, channel, variant, subject, body, word_count, source, created_at) VALUES (3, 7, 'email', 'A', 's', 'b', 1, 't', ?)").run(now);
  raw.prepare("INSERT INTO sends (lead_id, channel, dry_run, message_id, created_at, updated_at) VALUES (7, 'email', 1, 3, ?, ?)").run(now, now);
  raw.close();

  const s = openStore(path);
  t.after(() => s.close());
  assert.equal(s.stmt('PRAGMA user_version').get()?.user_version, SCHEMA_VERSION);
  assert.equal(s.stmt('PRAGMA foreign_keys').get()?.foreign_keys, 1);
  assert.equal(getLeadByEmail(s, 'kept@engines.example')?.id, 7);
  assert.deepEqual(s.stmt('PRAGMA foreign_key_check').all(), []);
  s.tx(() => s.stmt('DELETE FROM leads WHERE id = 7').run());
  assert.equal(s.stmt('SELECT count(*) AS n FROM sends').get()?.n, 0, 'the send still cascades with its lead');
  const next = s.tx(() => insertLead(s, lead('next@engines.example'), now));
  assert.equal(next, 8, 'the erased id 7 is not handed out again');
});
