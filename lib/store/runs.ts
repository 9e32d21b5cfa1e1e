/**
 * Pipeline runs: what was asked, how far it got, who runs it, and whether someone asked it to stop. The row is the
 * channel between processes: `leadflow stop` in one terminal flags it, the running pipeline reads the flag between
 * batches. A run whose owner died is marked CRASHED and can be resumed.
 */
import type { Store } from './store';
import type { Db } from './db';
import { isOwnerAlive, ownerId } from './owner';
import { flag, int, intOrNull, jsonOf, oneOf, rowMapper, text, textOrNull, type Cells } from './rowMapper';

export const RUN_STATUSES = ['RUNNING', 'STOPPED', 'DONE', 'FAILED', 'CRASHED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRecord<O = unknown, P = unknown> {
  id: number;
  status: RunStatus;
  options: O;
  progress: P;
  stopRequested: boolean;
  owner: string;
  heartbeatAt: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  resumedFrom: number | null;
}

/** The runs table's one row mapper. `options` and `progress` are JSON, parsed here. */
export const RUNS = rowMapper<RunRecord>({
  id: ['id', int],
  status: ['status', oneOf(RUN_STATUSES)],
  options: ['options', jsonOf<unknown>()],
  progress: ['progress', jsonOf<unknown>()],
  stopRequested: ['stop_requested', flag],
  owner: ['owner', text],
  heartbeatAt: ['heartbeat_at', text],
  startedAt: ['started_at', text],
  finishedAt: ['finished_at', textOrNull],
  error: ['error', textOrNull],
  resumedFrom: ['resumed_from', intOrNull],
});

/** A run whose options and progress are what the caller's run stored (the pipeline's own types, which wrote them). */
function runFrom<O, P>(cells: Cells): RunRecord<O, P> {
  return RUNS.from(cells) as RunRecord<O, P>;
}

export function startRun(store: Store, options: unknown, progress: unknown, resumedFrom: number | null = null): number {
  const now = new Date().toISOString();
  const r = store
    .stmt(
      `INSERT INTO runs (status, options, progress, owner, heartbeat_at, started_at, resumed_from)
       VALUES ('RUNNING', ?, ?, ?, ?, ?, ?)`,
    )
    .run(JSON.stringify(options), JSON.stringify(progress), ownerId(), now, now, resumedFrom);
  return Number(r.lastInsertRowid);
}

/** Save progress (inside the caller's batch transaction, so progress and work commit together). */
export function saveProgress(store: Store, id: number, progress: unknown): void {
  store
    .stmt('UPDATE runs SET progress = ?, heartbeat_at = ? WHERE id = ?')
    .run(JSON.stringify(progress), new Date().toISOString(), id);
}

export function stopRequested(store: Store, id: number): boolean {
  const row = store.rows('SELECT stop_requested FROM runs WHERE id = ?').get(id);
  return row !== undefined && flag(row[0], 'runs.stop_requested');
}

export function finishRun(store: Store, id: number, status: Exclude<RunStatus, 'RUNNING'>, error: string | null = null) {
  store
    .stmt('UPDATE runs SET status = ?, error = ?, finished_at = ?, heartbeat_at = ? WHERE id = ?')
    .run(status, error, new Date().toISOString(), new Date().toISOString(), id);
}

/** Ask every running pipeline to stop at its next batch boundary. Returns how many were asked. */
export function requestStop(store: Store): number {
  return askRunningToStop(store).length;
}

/** `requestStop`, returning the ids of the runs asked (one statement: no run starts or ends between list and ask). */
export function askRunningToStop(store: Store): number[] {
  return store
    .rows("UPDATE runs SET stop_requested = 1 WHERE status = 'RUNNING' RETURNING id")
    .all()
    .map((r) => int(r[0], 'runs.id'))
    .sort((a, b) => a - b);
}

/** Ask one run to stop at its next batch boundary; false when it is not running. */
export function requestRunStop(store: Store, id: number): boolean {
  return Number(store.stmt("UPDATE runs SET stop_requested = 1 WHERE id = ? AND status = 'RUNNING'").run(id).changes) === 1;
}

export function getRun<O, P>(store: Store, id: number): RunRecord<O, P> | undefined {
  const row = store.rows(`SELECT ${RUNS.columns} FROM runs WHERE id = ?`).get(id);
  return row && runFrom<O, P>(row);
}

export function runningRuns<O, P>(store: Store): RunRecord<O, P>[] {
  return store
    .rows(`SELECT ${RUNS.columns} FROM runs WHERE status = 'RUNNING' ORDER BY id`)
    .all()
    .map((r) => runFrom<O, P>(r));
}

/** Mark RUNNING runs whose process is gone as CRASHED; returns their ids. */
export function reapCrashedRuns(store: Store): number[] {
  const dead = runningRuns(store).filter((r) => !isOwnerAlive(r.owner));
  for (const r of dead) finishRun(store, r.id, 'CRASHED', `the process ${r.owner} ended without finishing the run`);
  return dead.map((r) => r.id);
}

/** The newest stopped or crashed run that no later run has resumed. */
export function latestResumable<O, P>(store: Store): RunRecord<O, P> | undefined {
  const row = store
    .rows(
      `SELECT ${RUNS.columns} FROM runs r WHERE status IN ('STOPPED', 'CRASHED')
         AND NOT EXISTS (SELECT 1 FROM runs later WHERE later.resumed_from = r.id)
       ORDER BY id DESC LIMIT 1`,
    )
    .get();
  return row && runFrom<O, P>(row);
}

const LATEST_RUN = `SELECT ${RUNS.columns} FROM runs ORDER BY id DESC LIMIT 1`;

export function latestRun<O, P>(store: Store): RunRecord<O, P> | undefined {
  const row = store.rows(LATEST_RUN).get();
  return row && runFrom<O, P>(row);
}

/** `latestRun` on either database. */
export async function latestRunOf<O, P>(db: Db): Promise<RunRecord<O, P> | undefined> {
  const row = await db.get(LATEST_RUN);
  return row && runFrom<O, P>(row);
}
