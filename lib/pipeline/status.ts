/**
 * `getPipelineStatus`: where the work stands right now — leads per status, the runs in flight with their progress
 * and whether a stop was asked, the last run and whether one can be resumed, and the send ledger split into dry run
 * and live, from the tallies (a few rows at any size). One read, no writes; what every face shows as "status" (the MCP `get_status` tool, the status page).
 */
import { LEAD_STATUSES, type LeadStatus } from '../types';
import type { Store } from '../store/store';
import { countLeadsByStatus } from '../store/leads';
import { latestResumable, latestRun, runningRuns, type RunStatus } from '../store/runs';
import { countSendsByState, SEND_STATES, type SendState } from '../sending/ledger';
import { oneOf } from '../store/rowMapper';

const stateOf = oneOf(SEND_STATES);

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
  const counted = countLeadsByStatus(store);
  const byStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, counted[s] ?? 0])) as Record<LeadStatus, number>;
  const zero = () => Object.fromEntries(SEND_STATES.map((s) => [s, 0])) as Record<SendState, number>;
  const sends = { dryRun: zero(), live: zero() };
  const ledger = countSendsByState(store);
  for (const [state, n] of Object.entries(ledger.dryRunByState)) sends.dryRun[stateOf(state, 'sends.state')] = n;
  for (const [state, n] of Object.entries(ledger.byState)) sends.live[stateOf(state, 'sends.state')] = n;
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
