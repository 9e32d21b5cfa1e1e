/** The enrich stage: NEW → ENRICHED in batches, one transaction each; re-running continues where it stopped. */
import type { Store } from '../store/store';
import { leadsInStatus, advanceLeadStatus } from '../store/leads';
import { saveEnrichment } from '../store/enrichments';
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
    const batch = leadsInStatus(store, 'NEW', afterId, room);
    if (batch.length === 0) break;
    const now = new Date().toISOString();
    store.tx(() => {
      for (const lead of batch) {
        saveEnrichment(store, lead.id, enrichByRules(lead), now);
        if (advanceLeadStatus(store, lead.id, 'NEW', 'ENRICHED', now)) tally.enriched++;
      }
      c.inBatch?.(tally);
    });
    afterId = batch[batch.length - 1].id;
    c.onBatch?.(tally);
  }
  return tally;
}
