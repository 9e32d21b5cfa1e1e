import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, leadflow } from './support/cli';
import { tempDir } from './support/tmp';

/**
 * `leadflow ARGS | head -1`: run the CLI with its stdout on a pipe whose reader goes away after the first line,
 * as `head` does. Returns the first line, the exit code and everything written to stderr.
 */
async function pipedIntoHead(args: string[]): Promise<{ firstLine: string; code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let seen = '';
  let firstLine = '';
  child.stdout.on('data', (d: Buffer) => {
    seen += d.toString('utf8');
    const nl = seen.indexOf('\n');
    if (nl >= 0 && !firstLine) {
      firstLine = seen.slice(0, nl);
      child.stdout.destroy(); // the reader is gone: the next write gets EPIPE
    }
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { firstLine, code, signal, stderr };
}

function csvWithManyBadRows(dir: string, bad: number): string {
  const path = join(dir, 'leads.csv');
  const lines = ['email,first_name,last_name,title,company,website,industry,country'];
  lines.push('ana@acme.example,Ana,Ruiz,CTO,Acme,https://acme.example,Technology,Spain');
  for (let i = 0; i < bad; i++) lines.push(`not-an-email-${i},Bad,Row${i},CTO,Acme,https://acme.example,Technology,Spain`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

test('`leadflow import x.csv | head -1` exits quietly when the reader closes the pipe: no stack trace, exit 0', async (t) => {
  const dir = tempDir(t);
  const csv = csvWithManyBadRows(dir, 5_000); // one report line per bad row: far more than a pipe buffer holds
  const r = await pipedIntoHead(['--db', join(dir, 'x.db'), 'import', csv]);
  assert.match(r.firstLine, /^1 of 5001 row\(s\) imported into /);
  assert.equal(r.stderr, '');
  assert.equal(r.signal, null);
  assert.equal(r.code, 0);
});

test('`leadflow export | head -1` stops quietly after the header line: no stack trace, exit 0', async (t) => {
  const db = join(tempDir(t), 'x.db');
  const made = leadflow(['--db', db, 'run', '--leads', '3000', '--channels', 'email']);
  assert.equal(made.code, 0, made.stderr);
  const r = await pipedIntoHead(['--db', db, 'export']);
  assert.match(r.firstLine, /^id,/);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
});

test('`leadflow leads --json | head -1` exits quietly too', async (t) => {
  const db = join(tempDir(t), 'x.db');
  const made = leadflow(['--db', db, 'run', '--leads', '600', '--channels', 'email']);
  assert.equal(made.code, 0, made.stderr);
  const r = await pipedIntoHead(['--db', db, 'leads', '--json', '--limit', '600']);
  assert.equal(r.firstLine, '{');
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
});
