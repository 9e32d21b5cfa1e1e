/**
 * `enrichLeadWithAi`: AI-mode enrichment for one chosen lead (an n8n item, an MCP argument), the async twin of
 * `enrichChosen`. The model is asked outside any transaction; the lead is re-read under the write lock before it is
 * saved, so a lead another process enriched meanwhile keeps that enrichment.
 */
import type { Enrichment } from '../types';
import type { Store } from '../store/store';
import { getLead, type StoredLead } from '../store/leads';
import { getEnrichment } from '../store/enrichments';
import type { GroqClient } from '../llm/client';
import { createEnrichSession, enrichWithAi, type EnrichSession } from './aiEnrich';
import { commitAiEnrichment } from './aiStage';

export type AiEnrichLeadResult =
  | { outcome: 'enriched'; lead: StoredLead; enrichment: Enrichment; via: 'model' | 'cache' | 'rules'; fallbackReason: string | null }
  | { outcome: 'already_enriched'; lead: StoredLead; enrichment: Enrichment }
  | { outcome: 'not_found' | 'not_enrichable'; lead?: StoredLead; reason: string };

export async function enrichLeadWithAi(store: Store, client: GroqClient, leadId: number, session: EnrichSession = createEnrichSession()): Promise<AiEnrichLeadResult> {
  const before = getLead(store, leadId);
  if (!before) return { outcome: 'not_found', reason: `no lead with id ${leadId} in the store ${store.path}` };
  const earlier = getEnrichment(store, leadId);
  if (earlier) return { outcome: 'already_enriched', lead: before, enrichment: earlier };
  if (before.status !== 'NEW') return { outcome: 'not_enrichable', lead: before, reason: `lead ${leadId} is ${before.status}, not NEW: only new leads are enriched` };
  const r = await enrichWithAi(store, client, before, session);
  return store.tx((): AiEnrichLeadResult => {
    const now = new Date().toISOString();
    const lead = getLead(store, leadId);
    const meanwhile = getEnrichment(store, leadId);
    if (!lead) return { outcome: 'not_found', reason: `lead ${leadId} was removed while the model answered` };
    if (meanwhile) return { outcome: 'already_enriched', lead, enrichment: meanwhile };
    if (!commitAiEnrichment(store, leadId, r, now)) return { outcome: 'not_enrichable', lead, reason: `lead ${leadId} left NEW while the model answered` };
    return { outcome: 'enriched', lead: getLead(store, leadId)!, enrichment: r.enrichment, via: r.via, fallbackReason: r.fallbackReason };
  });
}
