/**
 * The enrich stage in AI mode: NEW → ENRICHED like the offline stage, with a bounded number of leads in flight.
 * Each lead commits in its own short transaction as soon as its answer is in, so a slow model never holds the
 * store's write lock. A deferred lead stays NEW for the next run; a fatal error (key refused, model retired) stops
 * the stage with that error after the leads already answered are saved.
 */
import type { Store } from '../store/store';
import { advanceLead } from '../leads/lifecycle';
import { saveEnrichment } from '../store/enrichments';
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

/** Save one lead's AI-mode enrichment (and its fallback, if any) and move it NEW → ENRICHED. Call inside `store.tx`. */
export function commitAiEnrichment(store: Store, leadId: number, r: AiEnrichResult, now: string): boolean {
  saveEnrichment(store, leadId, r.enrichment, now);
  if (r.fallbackReason) recordFallback(store, leadId, { stage: 'enrich', reason: r.fallbackReason, usedInstead: RULES_VERSION }, now);
  return advanceLead(store, leadId, 'NEW', 'ENRICHED', now);
}

export async function enrichNewLeadsWithAi(store: Store, client: GroqClient, c: StageControl<AiEnrichTally> = {}): Promise<AiEnrichTally> {
  const tally: AiEnrichTally = { enriched: 0, byModel: 0, fromCache: 0, fellBack: 0, deferred: 0 };
  const session = createEnrichSession();
  return runModelStage(store, {
    status: 'NEW',
    concurrency: client.settings.concurrency,
    control: c,
    tally,
    handled: () => tally.enriched + tally.deferred,
    onDeferred: () => tally.deferred++,
    perBatch: () => async (lead) => {
      const r = await enrichWithAi(store, client, lead, session);
      const now = new Date().toISOString();
      store.tx(() => {
        if (commitAiEnrichment(store, lead.id, r, now)) {
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
