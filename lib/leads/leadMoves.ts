/**
 * Where a batch stage puts its leads' status moves. A stage on its own writes each move as it makes it (`movesNow`).
 * A streamed batch carries fresh leads through every stage inside the one transaction that inserted them
 * (`movesAtEnd`): nobody outside that transaction can see a lead between two stages, so each lead's row is rewritten
 * once, NEW → where it ended, instead of once per stage. Each rewrite grows a packed row (NEW → ENRICHED) and moves
 * its status-index entry; at 100k leads the three moves per lead cost more than all the stages' copy work.
 */
import type { LeadStatus } from '../types';
import type { Store } from '../store/store';
import { leadsByIds, type StoredLead } from '../store/leads';
import { advanceLeads, canMove, landNewLeads, moveLead } from './lifecycle';

export interface LeadMoves {
  /** Move the leads still in `from` to `to`; returns how many moved. */
  advance(ids: readonly number[], from: LeadStatus, to: LeadStatus): number;
  /** Put one lead in `status`, with the reason (or none), from wherever the lifecycle allows. */
  set(id: number, status: LeadStatus, reason: string | null): void;
}

/** Each move written as it is made, stamped `now`. */
export function movesNow(store: Store, now: string): LeadMoves {
  return {
    advance: (ids, from, to) => advanceLeads(store, ids, from, to, now),
    set: (id, status, reason) => void moveLead(store, id, status, now, reason),
  };
}

/** Where a lead ended, as a status write leaves it. */
export interface LeadEnd {
  status: LeadStatus;
  reason: string | null;
}

/**
 * `movesNow`, also keeping where each moved lead ended, for a caller that hands the leads on (an n8n node's output
 * items) and would otherwise read each one back. A batch `advance` that moved fewer leads than it was given (another
 * writer got to some first) cannot say which: its leads go to `unsure`, for the caller to read back.
 */
export function movesNowNoted(store: Store, now: string): LeadMoves & { ended: Map<number, LeadEnd>; unsure: Set<number> } {
  const ended = new Map<number, LeadEnd>();
  const unsure = new Set<number>();
  return {
    ended,
    unsure,
    advance(ids, from, to) {
      const moved = advanceLeads(store, ids, from, to, now);
      for (const id of ids) {
        if (moved === ids.length) ended.set(id, { status: to, reason: null });
        else unsure.add(id);
      }
      return moved;
    },
    set(id, status, reason) {
      if (moveLead(store, id, status, now, reason)) ended.set(id, { status, reason });
      else unsure.add(id);
    },
  };
}

/**
 * The moved leads as the moves noted by `movesNowNoted` (stamped `now`) left them: each status write changed status,
 * reason and updated_at only, so the rows the caller read `before` the moves are brought up to date in place (a
 * copy per lead cost more than reading it back); the `unsure` ones are read back.
 */
export function leadsAfterMoves(
  store: Store,
  before: ReadonlyMap<number, StoredLead>,
  moves: { ended: ReadonlyMap<number, LeadEnd>; unsure: ReadonlySet<number> },
  now: string,
): Map<number, StoredLead> {
  const after = new Map<number, StoredLead>();
  for (const [id, end] of moves.ended) {
    const lead = before.get(id);
    if (!lead || moves.unsure.has(id)) continue;
    lead.status = end.status;
    lead.statusReason = end.reason;
    lead.updatedAt = now;
    after.set(id, lead);
  }
  for (const [id, lead] of leadsByIds(store, [...moves.unsure])) after.set(id, lead);
  return after;
}

/**
 * The moves of `ids`, leads inserted NEW in the caller's transaction, kept in hand: `advance` and `set` answer as the
 * store would (a lead moves only from the status it is in now), and `write` — before the transaction commits — puts
 * each lead in the status and reason it ended with, stamped `now`. The store ends exactly as with `movesNow`.
 */
export function movesAtEnd(store: Store, now: string, ids: readonly number[]): LeadMoves & { write(): void } {
  const where = new Map<number, { status: LeadStatus; reason: string | null }>();
  for (const id of ids) where.set(id, { status: 'NEW', reason: null });
  const of = (id: number) => {
    const at = where.get(id);
    if (!at) throw new Error(`lead ${id} is not one of this batch's leads`);
    return at;
  };
  return {
    advance(moving, from, to) {
      let moved = 0;
      for (const id of moving) {
        const at = of(id);
        if (at.status !== from || !canMove(from, to)) continue;
        at.status = to;
        at.reason = null;
        moved++;
      }
      return moved;
    },
    set(id, status, reason) {
      const at = of(id);
      if (!canMove(at.status, status)) return;
      at.status = status;
      at.reason = reason;
    },
    write: () => landNewLeads(store, where, now),
  };
}
