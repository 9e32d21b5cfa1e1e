#!/usr/bin/env node
// The test command (`npm test`): every test/**/*.test.ts under Node's own runner on this Node (better-sqlite3), then
// the store and pipeline suites again on Node 24 with the built-in node:sqlite driver — the engine n8n 2.x users get.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24 } from './node24.mjs';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();
const run = (node, list, env = {}) =>
  spawnSync(node, ['--import', 'tsx', '--test', '--test-concurrency=2', ...list], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  }).status;

let failed = run(process.execPath, files) !== 0;

if (!only.length && process.env.LEADFLOW_SKIP_NODE24 !== '1') {
  const node24 = ensureNode24();
  const bothDrivers = files.filter((f) => /test\/(store|pipeline)/.test(f));
  console.log(`\n# again on ${node24} (node:sqlite driver): ${bothDrivers.length} file(s)`);
  failed = run(node24, bothDrivers, { LEADFLOW_SQLITE_DRIVER: 'node:sqlite', NODE_NO_WARNINGS: '1' }) !== 0 || failed;
}
process.exit(failed ? 1 : 0);
