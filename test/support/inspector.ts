/**
 * The official MCP Inspector's CLI, as a user or CI runs it: from the cache `.ci/setup.d/40-inspector.sh` fills
 * (installed on first use otherwise), in the repository's root so a stdio server it starts finds tsx.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const INSPECTOR = execFileSync(process.execPath, [join(ROOT, 'scripts', 'inspectorCache.mjs')], { encoding: 'utf8' }).trim().split('\n').pop()!;

/** Run `inspector --cli ...args`; `out` is its JSON answer (stdout), `all` that and whatever it logged. */
export async function inspector(args: string[]): Promise<{ code: number; out: string; all: string }> {
  const child = spawn(process.execPath, [INSPECTOR, '--cli', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, out, all: out + err };
}
