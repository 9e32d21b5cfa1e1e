/**
 * `BackgroundRunner`: the one way an adapter runs a long pipeline off its own event loop — the MCP server's
 * `run_pipeline` and the status page's Run button both start their runs here.
 *
 * Each run is a child process (`backgroundProcess.ts`), not a worker thread:
 * - the run's row is owned by that process, so if it dies (killed, out of memory) its run is CRASHED at once — reaped
 *   here when it exits, or by any later run — and resumes like any other; a dead thread would leave its row owned by
 *   a live process, RUNNING until the server exits;
 * - its stdout goes nowhere, so nothing it prints can reach an MCP client over stdio;
 * - it can be killed outright when it does not stop in time, and its memory is its own.
 * It runs in its own process group, so a terminal's Ctrl-C reaches only the adapter, which then asks the run to stop.
 *
 * Promises: one run at a time per store — `start` refuses while this runner's run, or a run whose process is alive,
 * is going (`RunInProgressError`); `start` resolves once the run has its row (or fails with the reason it could not
 * start: no key, nothing to resume); 'progress' is emitted after every batch and 'finished' once, when the process is
 * gone and the store says how the run ended; stopping goes through the store, so `stop` reaches runs in any process
 * and a run ends cleanly at a batch boundary; a run outlives neither its runner (`close`) nor the program that
 * started it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../log/logger';
import type { Store } from '../store/store';
import { LeadflowError, type ErrorKind } from '../errors';
import { isOwnerAlive } from '../store/owner';
import { askRunningToStop, getRun, latestResumable, reapCrashedRuns, requestRunStop, runningRuns, type RunStatus } from '../store/runs';
import { NothingToResumeError, type PipelineOptions, type PipelineResult, type ProgressEvent } from './pipeline';

/** A new run with these options, or the newest stopped or crashed run resumed with its own. */
export type BackgroundRunRequest = { resume: true } | { resume?: false; options: PipelineOptions };

/** Runner → run process: what to run, and where. */
export interface RunRequestMessage {
  storePath: string;
  request: BackgroundRunRequest;
}

/** Run process → runner. */
export type RunnerMessage =
  | { type: 'started'; runId: number }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'done'; result: PipelineResult }
  | { type: 'failed'; kind: ErrorKind; name: string; message: string };

export interface BackgroundRunState {
  running: boolean;
  runId: number | null;
  /** The latest progress event of the run. */
  last: ProgressEvent | null;
  result: PipelineResult | null;
  /** How the run ended, as the store has it (DONE, STOPPED, FAILED, CRASHED); null while it runs. */
  status: RunStatus | null;
  error: string | null;
}

export interface BackgroundRun {
  runId: number;
  /** The run's process. */
  pid: number;
  /** Resolves when the run's process is gone, with how the run ended. */
  finished: Promise<BackgroundRunState>;
}

export interface BackgroundRunnerOptions {
  log?: Logger;
  /** The run's environment (GROQ_API_KEY and friends); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long the run process may take to register its run before it is killed. */
  startupTimeoutMs?: number;
}

/** A run is going — this runner's, or one in another live process. Stop it or wait for it. */
export class RunInProgressError extends LeadflowError {
  constructor(
    readonly runId: number | null,
    /** Whose it is: null when it is this runner's own. */
    readonly owner: string | null,
  ) {
    super(
      'conflict',
      owner === null
        ? `run #${runId ?? '?'} is already going: stop it first, or wait for it to finish`
        : `run #${runId} is already going in another process (${owner}): stop it first`,
    );
    this.name = 'RunInProgressError';
  }
}

/** The run process failed before its run started (no Groq key, …): the kind and message of the error it reported. */
export class RunNotStartedError extends LeadflowError {
  constructor(
    kind: ErrorKind,
    message: string,
    /** The reported error's class name, e.g. MissingGroqKeyError: for logs and tests, not for deciding. */
    readonly reason: string,
  ) {
    super(kind, message);
    this.name = 'RunNotStartedError';
  }
}

/** `backgroundProcess` beside this module: under tsx (tests, `npm run demo`) a .ts file loaded through tsx. */
function runProcessModule(): { file: string; execArgv: string[] } {
  const ext = extname(__filename);
  const file = join(__dirname, `backgroundProcess${ext}`);
  return { file, execArgv: ext === '.ts' ? ['--import', pathToFileURL(require.resolve('tsx')).href] : [] };
}

const STDERR_TAIL = 4000;

export class BackgroundRunner extends EventEmitter<{ progress: [ProgressEvent]; finished: [BackgroundRunState] }> {
  readonly state: BackgroundRunState = { running: false, runId: null, last: null, result: null, status: null, error: null };
  private child: ChildProcess | null = null;
  private finished: Promise<BackgroundRunState> = Promise.resolve(this.snapshot());
  private closing = false;

  constructor(
    private readonly store: Store,
    private readonly o: BackgroundRunnerOptions = {},
  ) {
    super();
  }

  /** Whether this runner's run process is alive. */
  get busy(): boolean {
    return this.child !== null;
  }

  /** Start a run in its own process; resolves once its row is in the store. */
  async start(request: BackgroundRunRequest): Promise<BackgroundRun> {
    while (this.child) {
      const ours = this.state.runId === null ? undefined : getRun(this.store, this.state.runId);
      if (!ours || ours.status === 'RUNNING') throw new RunInProgressError(this.state.runId, null);
      // Its run has ended; its process is on its way out.
      await this.finished;
    }
    if (this.closing) throw new LeadflowError('conflict', 'the runner is closing: no new run can start');
    if (this.store.path === ':memory:') throw new LeadflowError('config', 'a background run needs a store file: an in-memory store cannot be shared with another process');
    const other = runningRuns(this.store).find((r) => isOwnerAlive(r.owner));
    if (other) throw new RunInProgressError(other.id, other.owner);
    if (request.resume) {
      // A run whose process died is resumable once it is marked CRASHED.
      reapCrashedRuns(this.store);
      if (!latestResumable(this.store)) throw new NothingToResumeError();
    }

    const { file, execArgv } = runProcessModule();
    const child = fork(file, [], {
      execArgv,
      env: this.o.env ?? process.env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Its own process group (on Windows that would mean its own console window).
      detached: process.platform !== 'win32',
    });
    this.child = child;
    Object.assign(this.state, { running: true, runId: null, last: null, result: null, status: null, error: null });
    this.o.log?.info({ request, pid: child.pid }, 'pipeline run starting');

    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-STDERR_TAIL);
    });
    let started: { ok: (id: number) => void; fail: (e: Error) => void } | null = null;
    const registered = new Promise<number>((ok, fail) => (started = { ok, fail }));
    const settle = (outcome: number | Error) => {
      const s = started;
      started = null;
      if (!s) return;
      if (typeof outcome === 'number') s.ok(outcome);
      else s.fail(outcome);
    };

    child.on('message', (m: RunnerMessage) => {
      if (m.type === 'started') {
        this.state.runId = m.runId;
        if (this.closing) requestRunStop(this.store, m.runId);
        settle(m.runId);
      } else if (m.type === 'progress') {
        this.state.last = m.event;
        this.emit('progress', m.event);
      } else if (m.type === 'done') {
        this.state.result = m.result;
        this.o.log?.info({ runId: m.result.runId, status: m.result.status }, 'pipeline run finished');
      } else {
        this.state.error = m.message;
        settle(new RunNotStartedError(m.kind, m.message, m.name));
        if (this.state.runId !== null) this.o.log?.error({ runId: this.state.runId, error: m.message }, 'pipeline run failed');
      }
    });
    let finish!: (s: BackgroundRunState) => void;
    this.finished = new Promise((resolve) => (finish = resolve));
    const end = () => {
      if (this.child === child) finish(this.ended(child, stderr, settle));
    };
    child.on('error', (err) => {
      // Spawning failed (there may be no 'close'), or a signal could not be sent.
      this.state.error ??= err.message;
      if (child.pid === undefined) end();
    });
    // 'close' comes after the process exited and its IPC channel delivered every message.
    child.once('close', end);
    child.send({ storePath: this.store.path, request } satisfies RunRequestMessage);

    const timeoutMs = this.o.startupTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      if (!started) return;
      child.kill('SIGKILL');
      settle(new Error(`the pipeline process did not start a run within ${timeoutMs / 1000} s; it was stopped`));
    }, timeoutMs);
    try {
      const runId = await registered;
      return { runId, pid: child.pid!, finished: this.finished };
    } catch (err) {
      // Not started: once this rejects, the runner is free again.
      await this.finished;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Ask running pipelines to stop at their next batch boundary: the one run given, or every run on the store,
   * wherever it was started (the CLI, n8n, the other adapter). Returns the ids of the runs asked.
   */
  stop(runId?: number): number[] {
    const asked = runId === undefined ? askRunningToStop(this.store) : requestRunStop(this.store, runId) ? [runId] : [];
    this.o.log?.info({ asked }, 'pipeline stop requested');
    return asked;
  }

  /** Resolves when this runner's current (or last) run has ended. */
  wait(): Promise<BackgroundRunState> {
    return this.finished;
  }

  /**
   * Stop this runner's run at its next batch boundary and wait for its process to go; after `graceMs` it is killed
   * (its run is then CRASHED, and resumable). No run starts after this. For an adapter's shutdown.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child) return;
    if (this.state.runId !== null) requestRunStop(this.store, this.state.runId);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.finished;
    clearTimeout(timer);
  }

  private ended(child: ChildProcess, stderr: string, settle: (outcome: number | Error) => void): BackgroundRunState {
    this.child = null;
    const said = stderr.trim();
    settle(new Error(`the pipeline process ended before it started a run: ${said || this.state.error || `exit code ${child.exitCode}, signal ${child.signalCode}`}`));
    const runId = this.state.runId;
    if (runId !== null) {
      // A process that died mid-run left its row RUNNING under its own (now dead) pid: mark it CRASHED now.
      if (getRun(this.store, runId)?.status === 'RUNNING') reapCrashedRuns(this.store);
      const row = getRun(this.store, runId);
      this.state.status = row?.status ?? null;
      this.state.error = row?.error ?? this.state.error;
      if (row?.status === 'CRASHED') this.o.log?.error({ runId, stderr: said || undefined }, 'pipeline run process died');
    }
    this.state.running = false;
    const snapshot = this.snapshot();
    this.emit('finished', snapshot);
    return snapshot;
  }

  private snapshot(): BackgroundRunState {
    return { ...this.state };
  }
}
