/**
 * Server-Sent Events for the page (`GET /api/events`): `metrics` (the same snapshot as /api/metrics), `progress`
 * (a run's per-stage counts) and `run` (started / finished). A new client gets the current state at once; then
 * progress as batches commit, metrics at most twice a second while anything moves, and a comment every 15 s so
 * proxies keep the stream open.
 *
 * Changes made elsewhere (a run or a send from the CLI, n8n, MCP) are seen too: while a client is connected the page
 * asks the store once a second whether another process committed anything (`changeMark`, no table read) and, if so,
 * pushes fresh metrics — a few rows of tallies, whatever the store's size — and a RUNNING run's saved progress. On a
 * PostgreSQL store there is no runner (runs start on SQLite) and what moves is every worker's writes.
 */
import type { Request, Response } from 'express';
import { getMetrics } from '../lib/metrics/metrics';
import { latestRunOf } from '../lib/store/runs';
import { changeMark, type AnyStore } from '../lib/store/openDb';
import type { PipelineProgress } from '../lib/pipeline/pipeline';
import type { BackgroundRunner, BackgroundRunState } from '../lib/pipeline/backgroundRunner';

const METRICS_EVERY_MS = 500;
const WATCH_EVERY_MS = 1000;
const HEARTBEAT_MS = 15_000;

export class LiveEvents {
  private readonly clients = new Set<Response>();
  private metricsTimer: NodeJS.Timeout | null = null;
  private lastMetricsAt = 0;
  private readonly ticker: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  private watchedRun: number | null = null;
  private seenVersion: number | null = null;

  private watching = false;

  constructor(
    private readonly store: AnyStore,
    /** The page's own runs; null on a PostgreSQL store, where runs do not start. */
    private readonly runner: BackgroundRunner | null,
  ) {
    runner?.on('progress', (e) => {
      this.broadcast('progress', e);
      this.metricsSoon();
    });
    runner?.on('finished', (state) => {
      this.broadcast('run', runSummary(state));
      this.metricsNow();
    });
    this.ticker = setInterval(() => void this.watchOtherProcesses(), WATCH_EVERY_MS);
    this.heartbeat = setInterval(() => this.comment('ping'), HEARTBEAT_MS);
    this.ticker.unref();
    this.heartbeat.unref();
  }

  attach(req: Request, res: Response): void {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    // What the first client is shown is the store as of now: a commit from here on, even before the next tick, is news.
    const first = this.clients.size === 0;
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
    void (async () => {
      if (first) this.seenVersion = await this.mark();
      await this.pushMetrics([res]);
      const state = this.runner?.state;
      send(res, 'run', state ? runSummary(state) : { running: false, runId: null, status: null, error: null });
      if (state?.running && state.last) send(res, 'progress', state.last);
    })();
  }

  /** Something changed the data (an erase, a clear): tell every page. */
  metricsNow(): void {
    if (this.metricsTimer) clearTimeout(this.metricsTimer);
    this.metricsTimer = null;
    this.lastMetricsAt = Date.now();
    if (this.clients.size) void this.pushMetrics(this.clients);
  }

  /** Read the metrics and send them to `to`; a read that fails is logged, never thrown into a timer. */
  private async pushMetrics(to: Iterable<Response>): Promise<void> {
    try {
      const metrics = await getMetrics(this.store);
      for (const res of to) send(res, 'metrics', metrics);
    } catch (err) {
      process.stderr.write(`leadflow status: the metrics could not be read: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  private metricsSoon(): void {
    if (this.metricsTimer) return;
    const wait = Math.max(0, METRICS_EVERY_MS - (Date.now() - this.lastMetricsAt));
    this.metricsTimer = setTimeout(() => this.metricsNow(), wait);
  }

  /** The store's change mark; null when it cannot be read (logged), which counts as no change. */
  private async mark(): Promise<number | null> {
    try {
      return await changeMark(this.store);
    } catch (err) {
      process.stderr.write(`leadflow status: the store could not be asked for changes: ${err instanceof Error ? err.message : String(err)}\n`);
      return null;
    }
  }

  private async watchOtherProcesses(): Promise<void> {
    if (!this.clients.size || this.watching) return;
    this.watching = true; // a slow read is not stacked under the next tick
    try {
      await this.watchOnce();
    } catch (err) {
      process.stderr.write(`leadflow status: the store could not be watched: ${err instanceof Error ? err.message : String(err)}\n`);
    } finally {
      this.watching = false;
    }
  }

  private async watchOnce(): Promise<void> {
    const version = await this.mark();
    const changedElsewhere = this.seenVersion !== null && version !== null && version !== this.seenVersion;
    if (version !== null) this.seenVersion = version;
    if (this.runner?.busy) return; // our own run reports its progress as it goes
    const run = await latestRunOf<unknown, PipelineProgress>(this.store);
    if (run?.status === 'RUNNING') {
      this.watchedRun = run.id;
      this.broadcast('progress', { runId: run.id, stage: currentStage(run.progress), progress: run.progress, elsewhere: true });
      this.metricsSoon();
    } else if (this.watchedRun !== null) {
      this.broadcast('run', { running: false, runId: this.watchedRun, status: run?.id === this.watchedRun ? run.status : null, error: null });
      this.watchedRun = null;
      this.metricsNow();
    } else if (changedElsewhere) {
      this.metricsSoon();
    }
  }

  broadcast(event: string, data: unknown): void {
    for (const res of this.clients) send(res, event, data);
  }

  private comment(text: string): void {
    for (const res of this.clients) res.write(`: ${text}\n\n`);
  }

  close(): void {
    clearInterval(this.ticker);
    clearInterval(this.heartbeat);
    if (this.metricsTimer) clearTimeout(this.metricsTimer);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

function send(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function runSummary(s: BackgroundRunState) {
  return { running: s.running, runId: s.runId, status: s.status ?? (s.running ? 'RUNNING' : null), error: s.error };
}

function currentStage(p: PipelineProgress): string {
  for (const stage of ['generate', 'enrich', 'personalize', 'send'] as const) {
    if (p?.[stage] && p[stage].done < p[stage].total) return stage;
  }
  return 'send';
}
