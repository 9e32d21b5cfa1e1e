/**
 * The loop both AI-mode stages run: batches of leads in one status, each lead's model work with at most
 * `concurrency` in flight and committed on its own by the caller. A lead whose call is deferred (budget, a long
 * retry-after) stays in its status for the next run; the first fatal error (key refused, model retired) stops the
 * stage, after the leads already answered are saved, and is thrown at the end. It runs on either database.
 */
import type { LeadStatus } from '../types';
import type { Db } from '../store/db';
import { leadsInStatus, type StoredLead } from '../store/leads';
import { LlmDeferredError } from '../llm/errors';
import { mapBounded } from '../llm/semaphore';
import { batchRoom, type StageControl } from './control';

export interface ModelStage<T> {
  status: LeadStatus;
  concurrency: number;
  control: StageControl<T>;
  tally: T;
  /** Leads dealt with so far, deferred ones included: what `limit` counts. */
  handled: () => number;
  onDeferred: () => void;
  /** Called once per batch (to read what the batch needs); returns the work for one lead. */
  perBatch: (batch: StoredLead[]) => Promise<(lead: StoredLead) => Promise<void>>;
}

export async function runModelStage<T>(db: Db, s: ModelStage<T>): Promise<T> {
  const c = s.control;
  let afterId = 0;
  let fatal: unknown = null;
  for (;;) {
    const room = batchRoom(c, s.handled());
    if (room <= 0 || fatal || c.shouldStop?.()) break;
    const batch = await leadsInStatus(db, s.status, afterId, room);
    if (batch.length === 0) break;
    const work = await s.perBatch(batch);
    await mapBounded(batch, s.concurrency, async (lead) => {
      if (fatal || c.shouldStop?.()) return;
      try {
        await work(lead);
      } catch (err) {
        if (err instanceof LlmDeferredError) s.onDeferred();
        else fatal ??= err;
      }
    });
    afterId = batch[batch.length - 1].id;
    c.onBatch?.(s.tally);
  }
  if (fatal) throw fatal;
  return s.tally;
}
