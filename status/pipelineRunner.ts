/**
 * `PipelineRunner`: at most one pipeline run at a time, started by the status server in a worker thread, with its
 * progress re-emitted as events ('progress', 'finished') for the live page.
 *
 * Stopping goes through the store (`requestStop`), the same flag `leadflow stop` sets, so it reaches runs started
 * here or in any other process, and the run ends cleanly at its next batch boundary.
 */
import { EventEmitter } from 'node:events';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../lib/log/logger';
import type { Store } from '../lib/store/store';
import { requestStop, runningRuns } from '../lib/store/runs';
import { isOwnerAlive } from '../lib/store/owner';
import type { PipelineOptions, PipelineResult, ProgressEvent } from '../lib/pipeline/pipeline';
import type { WorkerInput, WorkerMessage } from './pipelineWorker';
import { HttpError } from './httpError';

export interface RunState {
  running: boolean;
  runId: number | null;
  last: ProgressEvent | null;
  result: PipelineResult | null;
  error: string | null;
}

/** Under tsx (tests, `npm run demo`) the worker is a .ts file: register tsx's loader inside the thread first. */
function spawnWorker(input: WorkerInput): Worker {
  const file = join(__dirname, 'pipelineWorker' + extname(__filename));
  if (!file.endsWith('.ts')) return new Worker(file, { workerData: input });
  const tsx = require.resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`, { eval: true, workerData: input });
}

export class PipelineRunner extends EventEmitter {
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  readonly state: RunState = { running: false, runId: null, last: null, result: null, error: null };

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Start a run; resolves with its id once the pipeline has registered it (or fails with why it could not). */
  start(options: PipelineOptions, resume = false): Promise<number> {
    if (this.worker) throw new HttpError(409, `run #${this.state.runId ?? '?'} is already going: stop it first, or wait for it to finish`);
    const other = runningRuns(this.store).find((r) => isOwnerAlive(r.owner));
    if (other) throw new HttpError(409, `run #${other.id} is already going in another process (${other.owner}): stop it first`);

    Object.assign(this.state, { running: true, runId: null, last: null, result: null, error: null });
    const worker = spawnWorker({ storePath: this.store.path, options, resume });
    this.worker = worker;
    this.log.info({ options, resume }, 'pipeline run starting');

    let settleStart: { ok: (id: number) => void; fail: (e: Error) => void } | null = null;
    const started = new Promise<number>((ok, fail) => (settleStart = { ok, fail }));

    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        this.state.runId = m.event.runId;
        this.state.last = m.event;
        settleStart?.ok(m.event.runId);
        this.emit('progress', m.event);
      } else if (m.type === 'done') {
        this.state.runId = m.result.runId;
        this.state.result = m.result;
        settleStart?.ok(m.result.runId);
        this.log.info({ runId: m.result.runId, status: m.result.status }, 'pipeline run finished');
      } else {
        this.state.error = m.message;
        // It failed before its first batch: the request could not be carried out as asked (no key, nothing to resume).
        settleStart?.fail(new HttpError(400, m.message));
        this.log.error({ runId: this.state.runId, error: m.message }, 'pipeline run failed');
      }
    });
    worker.on('error', (err) => {
      this.state.error = err.message;
      settleStart?.fail(err);
      this.log.error({ err }, 'pipeline thread crashed');
    });
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.worker = null;
        this.state.running = false;
        settleStart?.fail(new Error(this.state.error ?? 'the pipeline ended before it started'));
        this.emit('finished', { ...this.state });
        resolve();
      }),
    );
    return started;
  }

  /** Ask every running pipeline in this store to stop at its next batch boundary; returns how many were asked. */
  stop(): number {
    const n = requestStop(this.store);
    this.log.info({ asked: n }, 'pipeline stop requested');
    return n;
  }

  get busy(): boolean {
    return this.worker !== null;
  }

  /** Stop our run (if any) and wait for its thread to end: for server shutdown. */
  async close(): Promise<void> {
    if (!this.worker) return;
    this.stop();
    const timer = setTimeout(() => void this.worker?.terminate(), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
