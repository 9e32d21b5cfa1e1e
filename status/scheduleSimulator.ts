/**
 * `ScheduleSimulator`: the status page's way to run lib's `simulateSchedule` — in a worker thread, so the seconds of
 * CPU a simulation takes never hold up the page's other requests or its event stream.
 *
 * Promises: one simulation at a time (`busy`; the route answers a second request with 429 rather than queueing work
 * its asker may have given up on); the worker reads the store on a connection of its own, never the page's; the
 * answer is `simulateSchedule`'s schedule as it returned it, plus who each scheduled lead is; a failure comes back as
 * the LeadflowError kind the worker met (so jsonErrors maps it like any other route's); a simulation that outlives
 * `timeoutMs`, or whose asker went away (`signal`), is ended; `close` ends one that is going, and none starts after.
 */
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Logger } from '../lib/log/logger';
import type { Store } from '../lib/store/store';
import type { SendingConfig } from '../lib/sending/config';
import type { CampaignSchedule } from '../lib/campaigns/schedule';
import { LeadflowError, type ErrorKind } from '../lib/errors';

/** Page → worker: what to simulate, and where the store is. */
export interface ScheduleJob {
  storePath: string;
  campaign: string;
  config: SendingConfig;
  days: number;
  /** ISO date-time the simulated clock starts at; absent: now. */
  start?: string;
}

/** Who a scheduled lead is, for the page to name them: lead data, so text to be shown as text. */
export interface ScheduledLead {
  name: string;
  company: string;
}

export interface SimulatedSchedule extends CampaignSchedule {
  /** Each lead in the schedule, by lead id. */
  leads: Record<string, ScheduledLead>;
}

/** Worker → page. */
export type ScheduleWorkerMessage =
  | { type: 'done'; result: SimulatedSchedule }
  | { type: 'failed'; kind: ErrorKind; name: string; message: string };

export interface ScheduleSimulatorOptions {
  /** How long a simulation may take before it is ended (default 5 minutes: 500 leads over 30 days take about 30 s). */
  timeoutMs?: number;
  log?: Logger;
}

/**
 * The worker's module beside this one (under tsx, in tests, a .ts file loaded through tsx's require hook), with its
 * temporary directory set to `scratch`: the store copy `simulateSchedule` makes goes there, so it is removed even when
 * the thread is ended mid-simulation (a terminated thread runs no `finally`).
 */
function startWorker(job: ScheduleJob, scratch: string): Worker {
  const ext = extname(__filename);
  const file = join(__dirname, `scheduleWorker${ext}`);
  const options = { workerData: job, env: { ...process.env, TMPDIR: scratch } };
  if (ext !== '.ts') return new Worker(file, options);
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export class ScheduleSimulator {
  private worker: Worker | null = null;
  private closing = false;

  constructor(
    private readonly store: Store,
    private readonly o: ScheduleSimulatorOptions = {},
  ) {}

  /** Whether a simulation is going. */
  get busy(): boolean {
    return this.worker !== null;
  }

  /** Simulate in a worker thread; check `busy` first (this throws while one is going). */
  simulate(job: Omit<ScheduleJob, 'storePath'>, signal?: AbortSignal): Promise<SimulatedSchedule> {
    if (this.worker) throw new Error('a schedule simulation is already going: check busy first');
    if (this.closing) throw new LeadflowError('transient', 'the status server is closing: no simulation starts');
    if (this.store.path === ':memory:') {
      throw new LeadflowError('config', 'a schedule simulation needs a store file: an in-memory store cannot be read from another thread');
    }
    const scratch = mkdtempSync(join(tmpdir(), 'leadflow-page-schedule-'));
    let worker: Worker;
    try {
      worker = startWorker({ ...job, storePath: this.store.path }, scratch);
    } catch (err) {
      rmSync(scratch, { recursive: true, force: true });
      throw err;
    }
    this.worker = worker;
    const timeoutMs = this.o.timeoutMs ?? 300_000;
    const started = Date.now();
    return new Promise<SimulatedSchedule>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: SimulatedSchedule | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', abandoned);
        // Its work is over once it has answered (it closed its store first): the next simulation may start.
        if (this.worker === worker) this.worker = null;
        void worker.terminate();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const timer = setTimeout(() => {
        this.o.log?.warn({ campaign: job.campaign, days: job.days, timeoutMs }, 'schedule simulation stopped: it took too long');
        settle(new LeadflowError('transient', `the simulation of campaign "${job.campaign}" took longer than ${timeoutMs / 1000} s and was stopped: simulate fewer days`));
      }, timeoutMs);
      const abandoned = () => settle(new LeadflowError('transient', 'the simulation was stopped: its request went away'));
      if (signal?.aborted) abandoned();
      signal?.addEventListener('abort', abandoned);
      worker.on('message', (m: ScheduleWorkerMessage) => {
        if (m.type === 'done') {
          this.o.log?.debug({ campaign: job.campaign, days: job.days, ms: Date.now() - started }, 'schedule simulated');
          settle(m.result);
        } else {
          settle(m.kind === 'internal' ? Object.assign(new Error(m.message), { name: m.name }) : new LeadflowError(m.kind, m.message));
        }
      });
      worker.on('error', (err) => settle(err));
      worker.on('exit', (code) => {
        rmSync(scratch, { recursive: true, force: true });
        settle(
          this.closing
            ? new LeadflowError('transient', 'the status server is closing: the simulation was stopped')
            : new Error(`the schedule simulation's thread ended (exit code ${code}) before it answered`),
        );
      });
    });
  }

  /** End a simulation that is going (its request is told the server is closing); no new one starts. */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (worker) await worker.terminate();
  }
}
