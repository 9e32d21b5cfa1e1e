/**
 * `enrichChosen`: the enrich stage for chosen leads (n8n items, an MCP argument) rather than a batch by status, in
 * one transaction — the stage's own batch step (`enrichBatch`) on the chosen NEW leads. A lead enriched before keeps
 * its enrichment (re-running a workflow changes nothing); a lead in any other state without an enrichment says why
 * it was left. One result per id, in order; an id given twice is enriched once and then reads as already enriched.
 */
import type { Enrichment } from '../types';
import type { Store } from '../store/store';
import { leadsByIds, type StoredLead } from '../store/leads';
import { enrichmentsOf } from '../store/enrichments';
import { leadsAfterMoves, movesNowNoted } from '../leads/leadMoves';
import { enrichBatch } from './stage';

export type EnrichLeadResult =
  | { outcome: 'enriched' | 'already_enriched'; lead: StoredLead; enrichment: Enrichment }
  | { outcome: 'not_found' | 'not_enrichable'; lead?: StoredLead; reason: string };

export function enrichChosen(store: Store, leadIds: readonly number[]): EnrichLeadResult[] {
  return store.tx(() => {
    const before = leadsByIds(store, leadIds);
    const earlier = enrichmentsOf(store, leadIds);
    const fresh = [...before.values()].filter((lead) => lead.status === 'NEW' && !earlier.has(lead.id));
    const now = new Date().toISOString();
    const moves = movesNowNoted(store, now);
    const { enrichments } = enrichBatch(store, fresh, now, moves);
    const after = leadsAfterMoves(store, before, moves, now);
    const told = new Set<number>();
    return leadIds.map((id): EnrichLeadResult => {
      const lead = after.get(id) ?? before.get(id);
      if (!lead) return { outcome: 'not_found', reason: `no lead with id ${id} in the store ${store.path}` };
      const made = enrichments.get(id);
      if (made) {
        const first = !told.has(id);
        told.add(id);
        return { outcome: first ? 'enriched' : 'already_enriched', lead, enrichment: made };
      }
      const kept = earlier.get(id);
      if (kept) return { outcome: 'already_enriched', lead, enrichment: kept };
      return { outcome: 'not_enrichable', lead, reason: `lead ${id} is ${lead.status}, not NEW: only new leads are enriched` };
    });
  });
}
