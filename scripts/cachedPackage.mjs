// One npm package installed once into its own folder of the test cache (~/.cache/leadflow, or $LEADFLOW_CACHE),
// outside the repo, and reused after: the Node 24 binary, the MCP Inspector.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Install `spec` into `<cache>/<folder>` unless `file` (relative to its node_modules) is there; returns its path. */
export function ensureCachedPackage({ folder, spec, file, npmArgs = [] }) {
  const dir = join(process.env.LEADFLOW_CACHE ?? join(homedir(), '.cache', 'leadflow'), folder);
  const path = join(dir, 'node_modules', file);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `{"name":"leadflow-${folder}","private":true}\n`);
  console.log(`# installing ${spec} into ${dir} (once)`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '-E', ...npmArgs, spec], { cwd: dir, stdio: 'inherit' });
  return path;
}
