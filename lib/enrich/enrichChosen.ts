/**
 * `enrichLead`: the enrich stage for one chosen lead (an n8n item, an MCP argument) rather than a batch by status.
 * A NEW lead is enriched and moves to ENRICHED in one transaction; a lead enriched before keeps its enrichment
 * (re-running a workflow changes nothing); a lead in any other state without an enrichment says why it was left.
 */
import type { Enrichment } from '../types';
import type { Store } from '../store/store';
import { getLead, advanceLeadStatus, type StoredLead } from '../store/leads';
import { getEnrichment, saveEnrichment } from '../store/enrichments';
import { enrichByRules } from './rules';

export type EnrichLeadResult =
  | { outcome: 'enriched' | 'already_enriched'; lead: StoredLead; enrichment: Enrichment }
  | { outcome: 'not_found' | 'not_enrichable'; lead?: StoredLead; reason: string };

export function enrichLead(store: Store, leadId: number): EnrichLeadResult {
  return store.tx(() => {
    const lead = getLead(store, leadId);
    if (!lead) return { outcome: 'not_found', reason: `no lead with id ${leadId} in the store ${store.path}` };
    const earlier = getEnrichment(store, lead.id);
    if (earlier) return { outcome: 'already_enriched', lead, enrichment: earlier };
    if (lead.status !== 'NEW') {
      return { outcome: 'not_enrichable', lead, reason: `lead ${lead.id} is ${lead.status}, not NEW: only new leads are enriched` };
    }
    const now = new Date().toISOString();
    const enrichment = enrichByRules(lead);
    saveEnrichment(store, lead.id, enrichment, now);
    advanceLeadStatus(store, lead.id, 'NEW', 'ENRICHED', now);
    return { outcome: 'enriched', lead: getLead(store, lead.id)!, enrichment };
  });
}
