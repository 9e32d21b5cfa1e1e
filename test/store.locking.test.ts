/**
 * Closing any descriptor of a file drops every POSIX lock the process holds on it; another process then believes it
 * is the last one on the store, deletes the WAL on close, and writes vanish (sqlite.org/howtocorrupt.html §2.2).
 * These tests open the store several times in one process — as n8n does for concurrent executions — while the
 * sqlite3 shell writes from another process, and count every row afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { openStore, type Store } from '../lib/store/store';
import { startTestStatusServer } from './support/browserServer';
import { tempStorePath } from './support/tmp';

const ROOT = join(__dirname, '..');

/**
 * The sqlite3 shell, as a user inspecting their store would run it (.ci/setup.d installs it). Its connection, the
 * last one open when it closes, checkpoints and deletes the WAL: the moment writes are lost if this process's
 * locks were dropped.
 */
function writeFromAnotherProcess(path: string, tag: string, rows: number): void {
  const values = Array.from({ length: rows }, (_, i) => `('test', '${tag}:${i}', datetime('now'))`).join(', ');
  const r = spawnSync('sqlite3', ['-bail', path, `PRAGMA busy_timeout = 10000; INSERT INTO events (type, detail, created_at) VALUES ${values};`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr || String(r.error));
}

function writeHere(store: Store, tag: string, rows: number): void {
  store.tx(() => {
    for (let i = 0; i < rows; i++) {
      store.stmt("INSERT INTO events (type, detail, created_at) VALUES ('test', ?, ?)").run(`${tag}:${i}`, new Date().toISOString());
    }
  });
}

/** Counted on a fresh connection after every other one has closed: what is really in the file. */
function countAfterwards(path: string): { rows: number; integrity: string } {
  const s = openStore(path);
  try {
    return {
      rows: Number(s.stmt("SELECT count(*) AS n FROM events WHERE type = 'test'").get()?.n),
      integrity: String(s.stmt('PRAGMA integrity_check').get()?.integrity_check),
    };
  } finally {
    s.close();
  }
}

/** Five rounds: another process writes 10 rows and closes, then this process writes 10 on its long-lived connection. */
function interleave(path: string, here: Store): number {
  for (let round = 0; round < 5; round++) {
    writeFromAnotherProcess(path, `child${round}`, 10);
    writeHere(here, `parent${round}`, 10);
  }
  return 100;
}

test('a store opened a second time in the same process loses none of another process’s writes', (t) => {
  const path = tempStorePath(t);
  const first = openStore(path);
  writeHere(first, 'before', 10);
  openStore(path).close();
  const expected = 10 + interleave(path, first);
  first.close();
  assert.deepEqual(countAfterwards(path), { rows: expected, integrity: 'ok' });
});

test('a store opened in a worker thread while the process holds it loses none of another process’s writes', async (t) => {
  const path = tempStorePath(t);
  const first = openStore(path);
  const worker = new Worker(
    `require('tsx/cjs'); const { openStore } = require(${JSON.stringify(join(ROOT, 'lib/store/store.ts'))});
     const s = openStore(${JSON.stringify(path)});
     s.tx(() => s.stmt("INSERT INTO events (type, detail, created_at) VALUES ('test', 'worker', ?)").run(new Date().toISOString()));
     s.close();`,
    { eval: true },
  );
  const [code] = (await once(worker, 'exit')) as [number];
  assert.equal(code, 0);
  const expected = 1 + interleave(path, first);
  first.close();
  assert.deepEqual(countAfterwards(path), { rows: expected, integrity: 'ok' });
});

test('the status page’s export and background run leave other processes’ writes in place', async (t) => {
  const h = await startTestStatusServer(t);
  const exported = await fetch(h.url + '/api/export.csv');
  assert.equal(exported.status, 200);
  await exported.text();
  const started = await h.authed('/api/pipeline/run', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ leads: 20, seed: 3, channels: ['email'] }),
  });
  assert.equal(started.status, 202);
  while (h.server.status.runner!.busy) await new Promise((r) => setTimeout(r, 50));
  const expected = interleave(h.storePath, h.store);
  const metrics = (await (await fetch(h.url + '/api/metrics')).json()) as { leads: { total: number } };
  assert.equal(metrics.leads.total, 20, 'the background run’s leads are visible to the page');
  await h.server.close();
  h.store.close();
  assert.deepEqual(countAfterwards(h.storePath), { rows: expected, integrity: 'ok' });
});
