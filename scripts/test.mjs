#!/usr/bin/env node
// The test command (`npm test`): every test/**/*.test.ts under Node's own runner on this Node (better-sqlite3), then
// the store and pipeline suites again on Node 24 with the built-in node:sqlite driver — the engine n8n 2.x users get.
// Ends with one line counting both runs: "total: N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24 } from './node24.mjs';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const totals = { pass: 0, fail: 0, skipped: 0, cancelled: 0 };

function run(node, list, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(node, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...list], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
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

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();
let failed = (await run(process.execPath, files)) !== 0;

if (!only.length && process.env.LEADFLOW_SKIP_NODE24 !== '1') {
  const node24 = ensureNode24();
  const bothDrivers = files.filter((f) => /test\/(store|pipeline)\./.test(f));
  console.log(`\n# again on Node 24 (${node24}) with the node:sqlite driver: ${bothDrivers.length} file(s)`);
  failed = (await run(node24, bothDrivers, { LEADFLOW_SQLITE_DRIVER: 'node:sqlite', NODE_NO_WARNINGS: '1' })) !== 0 || failed;
}
const failures = totals.fail + totals.cancelled;
console.log(`\ntotal: ${totals.pass} passed, ${failures} failed, ${totals.skipped} skipped`);
process.exit(failed || failures ? 1 : 0);
