#!/usr/bin/env node
// The test command (`npm test`): every test/**/*.test.ts under Node's own runner on this Node (better-sqlite3), then
// the store and pipeline suites again on Node 24 with the built-in node:sqlite driver — the engine n8n 2.x users get.
// Ends with one line counting both runs: "total: N passed, N failed, N skipped". Both runs share one throwaway
// PostgreSQL 15 cluster on 127.0.0.1 (scripts/postgres.mjs), passed to every test file as LEADFLOW_TEST_PG_URL.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24 } from './node24.mjs';
import { PG_BIN, startPostgresCluster } from './postgres.mjs';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const totals = { pass: 0, fail: 0, skipped: 0, cancelled: 0 };
let child;

function run(node, list, env = {}) {
  return new Promise((resolve) => {
    child = spawn(node, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...list], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
      detached: true, // its own process group, with the test files it runs: stopped together on SIGINT/SIGTERM
    });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk).slice(-4000);
    });
    child.on('exit', (code) => {
      for (const key of Object.keys(totals)) {
        const m = new RegExp(`^\\S* ?${key} (\\d+)$`, 'm').exec(tail.replace(/\x1b\[[0-9;]*m/g, ''));
        if (m) totals[key] += Number(m[1]);
      }
      resolve(code ?? 1);
    });
  });
}

if (!existsSync(join(PG_BIN, 'initdb'))) {
  console.error(`PostgreSQL 15 is not installed (no ${PG_BIN}/initdb), and the tests need it: run .ci/setup.d/35-postgres.sh`);
  process.exit(1);
}
const startedAt = Date.now();
const cluster = await startPostgresCluster();
process.env.LEADFLOW_TEST_PG_URL = cluster.url;
console.log(`# PostgreSQL 15 for the tests: ${cluster.url} (initdb and start took ${Date.now() - startedAt} ms)`);
// Interrupted: stop the test files running, then the cluster (the 'exit' handler; a second signal waits for it).
process.once('exit', () => cluster.stopSync());
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    if (child?.exitCode === null) process.kill(-child.pid, signal);
    process.exit(code);
  });
}

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();
let failed = (await run(process.execPath, files)) !== 0;

if (!only.length && process.env.LEADFLOW_SKIP_NODE24 !== '1') {
  const node24 = ensureNode24();
  const bothDrivers = files.filter((f) => /test\/(store|pipeline)\./.test(f));
  console.log(`\n# again on Node 24 (${node24}) with the node:sqlite driver: ${bothDrivers.length} file(s)`);
  failed = (await run(node24, bothDrivers, { LEADFLOW_SQLITE_DRIVER: 'node:sqlite', NODE_NO_WARNINGS: '1' })) !== 0 || failed;
}
await cluster.stop();
const failures = totals.fail + totals.cancelled;
console.log(`\ntotal: ${totals.pass} passed, ${failures} failed, ${totals.skipped} skipped`);
process.exit(failed || failures ? 1 : 0);
