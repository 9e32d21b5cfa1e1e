/**
 * The lead lifecycle: the status machine of DESIGN.md ("The flow"), and the only module that writes `leads.status`.
 *
 *   NEW ─enrich→ ENRICHED ─personalize→ MESSAGED ─live send→ SENT ─reply→ REPLIED
 *   (a dry run moves nobody: its lead stays MESSAGED, its record is the ledger's, shown as SIMULATED)
 *                                           │             └─bounce→ BOUNCED
 *   any open status → SUPPRESSED (unsubscribed, bounced elsewhere, blocked) · FAILED when a stage cannot do its work
 *
 * Every move says where it goes and happens only from a status `ALLOWED_FROM` lists for that target — in the same
 * statement, so two processes moving one lead never step on each other's result, and a reply, a bounce or an
 * unsubscribe is never overwritten by a late stage. A move that is not allowed changes nothing and returns false.
 */
import type { LeadStatus } from '../types';
import type { Store } from '../store/store';
import { inValues, type Db } from '../store/db';

/** For each status, the statuses a lead may move to it from. */
export const ALLOWED_FROM: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  NEW: [],
  // Back from MESSAGED when a lead no send has gone to joins another campaign: its drafts are dropped, and it is
  // written afresh for the new one.
  ENRICHED: ['NEW', 'MESSAGED'],
  // Back to MESSAGED (with the reason) while a live send waits for a retry or its outcome is unknown: an earlier dry
  // run's SENT proved nothing reached anyone.
  MESSAGED: ['ENRICHED', 'MESSAGED', 'SENT', 'FAILED'],
  // A live outcome overrides a dry run's, and a lead that failed on one channel may be sent on another.
  SENT: ['MESSAGED', 'SENT', 'FAILED'],
  // What a person did is recorded whatever the pipeline thought: a reply or a bounce can come from any lead.
  REPLIED: ['NEW', 'ENRICHED', 'MESSAGED', 'SENT', 'FAILED', 'BOUNCED', 'SUPPRESSED', 'REPLIED'],
  BOUNCED: ['NEW', 'ENRICHED', 'MESSAGED', 'SENT', 'FAILED', 'REPLIED', 'SUPPRESSED', 'BOUNCED'],
  FAILED: ['NEW', 'ENRICHED', 'MESSAGED', 'SENT', 'FAILED'],
  // An opt-out never hides a reply or a bounce that already happened.
  SUPPRESSED: ['NEW', 'ENRICHED', 'MESSAGED', 'SENT', 'FAILED', 'SUPPRESSED'],
};

export function canMove(from: LeadStatus, to: LeadStatus): boolean {
  return ALLOWED_FROM[to].includes(from);
}

const moveSql = (db: Pick<Db, 'dialect'>) => `UPDATE leads SET status = ?, status_reason = ?, updated_at = ? WHERE id = ? AND status IN ${inValues(db, 'text')}`;

/** Move one lead to `to` (with the reason, or none), from wherever the lifecycle allows. */
export function moveLead(store: Store, id: number, to: LeadStatus, now: string, reason: string | null = null): boolean {
  if (ALLOWED_FROM[to].length === 0) return false;
  return Number(store.stmt(moveSql(store)).run(to, reason, now, id, JSON.stringify(ALLOWED_FROM[to])).changes) === 1;
}

/** `moveLead` on either database. */
export async function moveLeadOn(db: Db, id: number, to: LeadStatus, now: string, reason: string | null = null): Promise<boolean> {
  if (ALLOWED_FROM[to].length === 0) return false;
  return (await db.run(moveSql(db), [to, reason, now, id, JSON.stringify(ALLOWED_FROM[to])])) === 1;
}

function assertStep(from: LeadStatus, to: LeadStatus): void {
  if (!canMove(from, to)) throw new Error(`the lead lifecycle has no move from ${from} to ${to}`);
}

/** Move a batch of leads still in `from` to `to`, in one statement; returns how many moved. */
export function advanceLeads(store: Store, ids: readonly number[], from: LeadStatus, to: LeadStatus, now: string): number {
  assertStep(from, to);
  if (ids.length === 0) return 0;
  return Number(store.stmt(advanceSql(store)).run(to, now, from, JSON.stringify(ids)).changes);
}

/** `advanceLeads` on either database. */
export async function advanceLeadsOn(db: Db, ids: readonly number[], from: LeadStatus, to: LeadStatus, now: string): Promise<number> {
  assertStep(from, to);
  if (ids.length === 0) return 0;
  return db.run(advanceSql(db), [to, now, from, JSON.stringify(ids)]);
}

const advanceSql = (db: Pick<Db, 'dialect'>) => `UPDATE leads SET status = ?, status_reason = NULL, updated_at = ? WHERE status = ? AND id IN ${inValues(db, 'int')}`;

/** `advanceLeads` for one lead. */
export function advanceLead(store: Store, id: number, from: LeadStatus, to: LeadStatus, now: string): boolean {
  return advanceLeads(store, [id], from, to, now) === 1;
}

/**
 * Where the leads of a streamed batch ended, written once (`movesAtEnd`): each went NEW → … → `status` through
 * allowed moves inside the transaction that inserted it, so only the end is written — NEW → that status directly.
 */
export function landNewLeads(store: Store, ends: ReadonlyMap<number, { status: LeadStatus; reason: string | null }>, now: string): void {
  const plain = new Map<LeadStatus, number[]>();
  const newToReason = store.stmt("UPDATE leads SET status = ?, status_reason = ?, updated_at = ? WHERE id = ? AND status = 'NEW'");
  for (const [id, at] of ends) {
    if (at.reason !== null) newToReason.run(at.status, at.reason, now, id);
    else if (at.status !== 'NEW') {
      const group = plain.get(at.status);
      if (group) group.push(id);
      else plain.set(at.status, [id]);
    }
  }
  const newTo = store.stmt("UPDATE leads SET status = ?, status_reason = NULL, updated_at = ? WHERE status = 'NEW' AND id IN (SELECT value FROM json_each(?))");
  for (const [status, group] of plain) newTo.run(status, now, JSON.stringify(group));
}
