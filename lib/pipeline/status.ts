/**
 * `getPipelineStatus`: where the work stands right now — leads per status, the runs in flight with their progress
 * and whether a stop was asked, the last run and whether one can be resumed, and the send ledger split into dry run
 * and live, from the tallies (a few rows at any size). One read, no writes; what every face shows as "status" (the MCP `get_status` tool, the status page).
 */
import { LEAD_STATUSES, type LeadStatus } from '../types';
import type { Store } from '../store/store';
import { readTallies, sumTallies } from '../store/tallies';
import { latestResumable, latestRun, runningRuns, type RunStatus } from '../store/runs';
import { ledgerCounts, SEND_STATES, type SendState } from '../sending/ledger';

export interface RunSummary {
  id: number;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  stopRequested: boolean;
  error: string | null;
  resumedFrom: number | null;
  /** The run's own per-stage counts, as last committed. */
  progress: unknown;
  /** What it was asked to do (leads, seed, channels, …). */
  options: unknown;
}

export interface PipelineStatus {
  store: string;
  checkedAt: string;
  leads: { total: number; byStatus: Record<LeadStatus, number> };
  running: RunSummary[];
  lastRun: RunSummary | null;
  /** The newest stopped or crashed run nobody has resumed yet. */
  resumableRunId: number | null;
  sends: { dryRun: Record<SendState, number>; live: Record<SendState, number> };
}

function summary(r: {
  id: number; status: RunStatus; startedAt: string; finishedAt: string | null; stopRequested: boolean;
  error: string | null; resumedFrom: number | null; progress: unknown; options: unknown;
}): RunSummary {
  const { id, status, startedAt, finishedAt, stopRequested, error, resumedFrom, progress, options } = r;
  return { id, status, startedAt, finishedAt, stopRequested, error, resumedFrom, progress, options };
}

export function getPipelineStatus(store: Store): PipelineStatus {
  // One read of the tallies for both figures: a few rows, whatever the store's size.
  const tallies = readTallies(store);
  const byStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, sumTallies(tallies, 'lead', s)])) as Record<LeadStatus, number>;
  const zero = () => Object.fromEntries(SEND_STATES.map((s) => [s, 0])) as Record<SendState, number>;
  const ledger = ledgerCounts(tallies);
  const sends = { dryRun: { ...zero(), ...ledger.dryRunByState }, live: { ...zero(), ...ledger.byState } };
  const last = latestRun(store);
  return {
    store: store.path,
    checkedAt: new Date().toISOString(),
    leads: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus },
    running: runningRuns(store).map(summary),
    lastRun: last ? summary(last) : null,
    resumableRunId: latestResumable(store)?.id ?? null,
    sends,
  };
}
