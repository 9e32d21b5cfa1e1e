// The official MCP Inspector's CLI (@modelcontextprotocol/inspector), for the tests that drive the MCP server as a real
// client does: it lists the tools and validates every result against its output schema. Kept in a cache folder
// outside the repo (~/.cache/leadflow/inspector-VERSION, or under $LEADFLOW_CACHE) and installed there once; its CLI
// runs on Node 20 although its engines field asks for 22.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const INSPECTOR_VERSION = '2.12.0';

export function ensureInspector() {
  const dir = join(process.env.LEADFLOW_CACHE ?? join(homedir(), '.cache', 'leadflow'), `inspector-${INSPECTOR_VERSION}`);
  const bin = join(dir, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"leadflow-inspector","private":true}\n');
  console.log(`# installing @modelcontextprotocol/inspector@${INSPECTOR_VERSION} into ${dir} (once)`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--engine-strict=false', '-E', `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`], {
    cwd: dir,
    stdio: 'inherit',
  });
  return bin;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureInspector());
