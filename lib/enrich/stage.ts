/** The enrich stage: NEW → ENRICHED in batches, one transaction each; re-running continues where it stopped. */
import type { Store } from '../store/store';
import { stageLeadsInStatus, advanceLeadStatuses } from '../store/leads';
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
    // A few statements per batch rather than two per lead: the rows written are the same.
    const items = batch.map((lead) => ({ leadId: lead.id, enrichment: enrichByRules(lead) }));
    const ids = batch.map((lead) => lead.id);
    store.tx(() => {
      saveEnrichments(store, items, now);
      tally.enriched += advanceLeadStatuses(store, ids, 'NEW', 'ENRICHED', now);
      c.inBatch?.(tally);
    });
    afterId = batch[batch.length - 1].id;
    c.onBatch?.(tally);
  }
  return tally;
}
