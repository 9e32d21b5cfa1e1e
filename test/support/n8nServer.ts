/**
 * A real `n8n start` for tests that need n8n's HTTP side (production webhooks): started in its own process group on
 * a free local port with the same user folder and environment as the CLI helpers, ready once /healthz answers and its
 * active workflows are registered, and stopped by signalling the whole group, so no n8n process outlives the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { n8nEnv, ensureN8n, packRepo, installLikeN8nUi, rebuildBetterSqlite3, type N8nInstall } from './n8nCli';
import { freePort } from './ports';

export interface N8nServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** Everything n8n printed so far: for assertion messages when something goes wrong. */
  log: () => string;
  stop: () => Promise<void>;
  /** How the n8n process ended (null while it runs): a clean stop is code 0 after SIGTERM, not a SIGKILL. */
  exit: () => { code: number | null; signal: NodeJS.Signals | null } | null;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Signal the whole group (n8n may fork), then wait; SIGKILL the group if it has not gone within `graceMs`. */
async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  if (child.exitCode === null && child.signalCode === null) signalGroup('SIGTERM');
  const done = exited(child);
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([done.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
  clearTimeout(timer);
  if (late) {
    signalGroup('SIGKILL');
    await done;
  }
  // Children that ignored SIGTERM after the leader exited are still in the group: make sure they are gone too.
  signalGroup('SIGKILL');
}

export async function startN8n(inst: N8nInstall, userFolder: string, env: Record<string, string> = {}, readyTimeoutMs = 180_000): Promise<N8nServer> {
  const port = await freePort();
  // n8n 2.x starts a task broker in every process, on 5679 unless told: a server on its own port leaves that one to
  // the `n8n execute` runs of a test running beside it.
  let brokerPort = await freePort();
  while (brokerPort === port) brokerPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(inst.node, [inst.bin, 'start'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: n8nEnv(inst, userFolder, {
      N8N_PORT: String(port),
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_HOST: '127.0.0.1',
      N8N_SECURE_COOKIE: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_RUNNERS_BROKER_PORT: String(brokerPort),
      WEBHOOK_URL: `${url}/`,
      ...env,
    }),
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.once('exit', (code, signal) => (exit = { code, signal }));
  const server: N8nServer = { url, log: () => output, stop: () => stopGroup(child, 15_000), exit: () => exit };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`n8n start exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.slice(-3000)}`);
    }
    try {
      // /healthz answers before active workflows are registered; n8n prints the editor URL only after that.
      const res = await fetch(`${url}/healthz`);
      if (res.ok && output.includes('Editor is now accessible')) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await server.stop();
  throw new Error(`n8n did not answer ${url}/healthz within ${readyTimeoutMs / 1000} s:\n${output.slice(-3000)}`);
}

export interface N8nWorkspace {
  inst: N8nInstall;
  /** n8n's user folder, holding this package installed the way n8n's UI installs it. */
  dir: string;
  storePath: string;
  /** Start `n8n start` in the workspace; the workspace's after-hook stops it. */
  start(env: Record<string, string>): Promise<N8nServer>;
}

/**
 * A throwaway n8n user folder with this package installed as a user would (packed, installed like n8n's UI), for
 * tests that start a real n8n: n8n 1.x (Node 20) with the README's better-sqlite3 fix applied, n8n 2.x (Node 24) with
 * nothing done — its nodes use the built-in node:sqlite. One after-hook stops the server and only then removes the
 * folder: removing it first would pull the ground from under a running n8n.
 */
export async function n8nWorkspace(t: TestContext, prefix: string, major: 1 | 2 = 1): Promise<N8nWorkspace> {
  const inst = await ensureN8n(major);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let server: N8nServer | undefined;
  t.after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const nodesDir = installLikeN8nUi(packRepo(dir), dir);
  if (major === 1) rebuildBetterSqlite3(nodesDir, inst);
  return {
    inst,
    dir,
    storePath: join(dir, 'leadflow.db'),
    start: async (env) => (server = await startN8n(inst, dir, env)),
  };
}
