/**
 * The enrich stage in AI mode, on either database: NEW → ENRICHED like the offline stage, with a bounded number of
 * leads in flight. Each lead commits in its own short transaction as soon as its answer is in, so a slow model never
 * holds the store's write lock (nor a pooled connection). A deferred lead stays NEW for the next run; a fatal error
 * (key refused, model retired) stops the stage with that error after the leads already answered are saved.
 */
import type { Db } from '../store/db';
import { advanceLeadsOn } from '../leads/lifecycle';
import { saveEnrichmentsOn } from '../store/enrichments';
import type { GroqClient } from '../llm/client';
import { recordFallback } from '../llm/fallbacks';
import type { StageControl } from '../pipeline/control';
import { runModelStage } from '../pipeline/modelStage';
import { createEnrichSession, enrichWithAi, type AiEnrichResult } from './aiEnrich';
import { RULES_VERSION } from './rules';

export interface AiEnrichTally {
  enriched: number;
  /** Served from a model answer asked for this lead's company in this run. */
  byModel: number;
  /** Served from the cache (no call). */
  fromCache: number;
  /** Served by the rules after the model failed. */
  fellBack: number;
  /** Left NEW: the budget or a retry-after asked to wait longer than the cap. */
  deferred: number;
}

/**
 * Move one lead NEW → ENRICHED and save its AI-mode enrichment (and its fallback, if any); false, writing nothing,
 * when the lead is no longer NEW (another worker got to it first: the move is what two writers cannot both win).
 * Call inside a transaction.
 */
export async function commitAiEnrichment(db: Db, leadId: number, r: AiEnrichResult, now: string): Promise<boolean> {
  if ((await advanceLeadsOn(db, [leadId], 'NEW', 'ENRICHED', now)) !== 1) return false;
  await saveEnrichmentsOn(db, [{ leadId, enrichment: r.enrichment }], now);
  if (r.fallbackReason) await recordFallback(db, leadId, { stage: 'enrich', reason: r.fallbackReason, usedInstead: RULES_VERSION }, now);
  return true;
}

export async function enrichNewLeadsWithAi(db: Db, client: GroqClient, c: StageControl<AiEnrichTally> = {}): Promise<AiEnrichTally> {
  const tally: AiEnrichTally = { enriched: 0, byModel: 0, fromCache: 0, fellBack: 0, deferred: 0 };
  const session = createEnrichSession();
  return runModelStage(db, {
    status: 'NEW',
    concurrency: client.settings.concurrency,
    control: c,
    tally,
    handled: () => tally.enriched + tally.deferred,
    onDeferred: () => tally.deferred++,
    perBatch: async () => async (lead) => {
      const r = await enrichWithAi(db, client, lead, session);
      const now = new Date().toISOString();
      await db.transaction(async (t) => {
        if (await commitAiEnrichment(t, lead.id, r, now)) {
          tally.enriched++;
          if (r.via === 'model') tally.byModel++;
          else if (r.via === 'cache') tally.fromCache++;
          else tally.fellBack++;
        }
        c.inBatch?.(tally);
      });
    },
  });
}
