/**
 * Pipeline runs started by the MCP server run in their own `leadflow run` process, not in the server's: a stage
 * works synchronously batch by batch, and in-process it would leave the server deaf to `get_status` and
 * `stop_pipeline` until it finished. The child records its run in the store like any run, so status, stop and
 * resume work across processes the same way they do from a terminal.
 *
 * When the server shuts down it asks its children to stop after their current batch (SIGINT, as Ctrl-C would);
 * their runs are then STOPPED and can be resumed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../lib/store/store';
import { ownerId } from '../lib/store/owner';

/** The `leadflow` CLI beside this module: bin/leadflow.ts under tsx, dist/bin/leadflow.js when built. */
function cliCommand(): { command: string; prefix: string[] } {
  const ext = extname(__filename);
  const script = join(__dirname, '..', 'bin', `leadflow${ext}`);
  return { command: process.execPath, prefix: ext === '.ts' ? ['--import', 'tsx', script] : [script] };
}

export interface StartedRun {
  runId: number;
  pid: number;
  /** Resolves with the exit code when the run process ends. */
  exited: Promise<number | null>;
}

export class PipelineProcesses {
  private readonly children = new Set<ChildProcess>();

  /** Start `leadflow --db <store> run <args>` and resolve once its run row is in the store. */
  async start(store: Store, runArgs: string[], startupTimeoutMs = 30_000): Promise<StartedRun> {
    const { command, prefix } = cliCommand();
    const child = spawn(command, [...prefix, '--db', store.path, 'run', '--json', ...runArgs], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    this.children.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => {
        exitCode = code;
        this.children.delete(child);
        resolve(code);
      });
      child.on('error', (err) => {
        stderr += err.message;
        exitCode = exitCode ?? -1;
        this.children.delete(child);
        resolve(-1);
      });
    });

    const owner = ownerId(child.pid ?? -1);
    const deadline = Date.now() + startupTimeoutMs;
    for (;;) {
      const row = store.stmt('SELECT id FROM runs WHERE owner = ? ORDER BY id DESC LIMIT 1').get(owner);
      if (row) return { runId: row.id as number, pid: child.pid!, exited };
      if (exitCode !== undefined) {
        const said = stderr.trim().replace(/^leadflow: /, '') || `it exited with code ${exitCode}`;
        throw new Error(`the pipeline process ended before it started a run: ${said}`);
      }
      if (Date.now() > deadline) {
        child.kill('SIGINT');
        throw new Error(`the pipeline process did not start a run within ${startupTimeoutMs / 1000} s; it was asked to stop`);
      }
      await sleep(50);
    }
  }

  get running(): number {
    return this.children.size;
  }

  /** Ask every child to stop after its batch, and wait (up to `graceMs`) for them to go. */
  async stopAll(graceMs = 10_000): Promise<void> {
    const waiting = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGINT');
        }),
    );
    await Promise.race([Promise.all(waiting), sleep(graceMs)]);
  }
}
