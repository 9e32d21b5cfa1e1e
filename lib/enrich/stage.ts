/** The enrich stage: NEW → ENRICHED in batches, one transaction each; re-running continues where it stopped. */
import type { Enrichment } from '../types';
import type { Store } from '../store/store';
import { stageLeadsInStatus, type StageLead } from '../store/leads';
import { movesNow, type LeadMoves } from '../leads/leadMoves';
import { saveEnrichments } from '../store/enrichments';
import { enrichByRules } from './rules';
import { batchRoom, type StageControl } from '../pipeline/control';

export interface EnrichTally {
  enriched: number;
}

export function enrichNewLeads(store: Store, c: StageControl<EnrichTally> = {}): EnrichTally {
  const tally: EnrichTally = { enriched: 0 };
  let afterId = 0;
  for (;;) {
    const room = batchRoom(c, tally.enriched);
    if (room <= 0 || c.shouldStop?.()) break;
    const batch = stageLeadsInStatus(store, 'NEW', afterId, room);
    if (batch.length === 0) break;
    const now = new Date().toISOString();
    store.tx(() => {
      tally.enriched += enrichBatch(store, batch, now).enriched;
      c.inBatch?.(tally);
    });
    afterId = batch[batch.length - 1].id;
    c.onBatch?.(tally);
  }
  return tally;
}

/**
 * Enrich a batch of NEW leads in hand by the rules and move them to ENRICHED (through `moves`), in the caller's
 * transaction: a few statements per batch rather than two per lead. Returns how many moved, and each lead's
 * enrichment for the next stage.
 */
export function enrichBatch(
  store: Store,
  batch: readonly StageLead[],
  now: string,
  moves: LeadMoves = movesNow(store, now),
): { enriched: number; enrichments: Map<number, Enrichment> } {
  const items = batch.map((lead) => ({ leadId: lead.id, enrichment: enrichByRules(lead) }));
  saveEnrichments(store, items, now);
  const enriched = moves.advance(batch.map((lead) => lead.id), 'NEW', 'ENRICHED');
  return { enriched, enrichments: new Map(items.map((i) => [i.leadId, i.enrichment])) };
}
