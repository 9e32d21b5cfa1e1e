/**
 * `enrichLeadWithAi`: AI-mode enrichment for one chosen lead (an n8n item, an MCP argument), the model-asking
 * counterpart of `enrichChosen`, on either database. The model is asked outside any transaction; the lead is then
 * moved NEW → ENRICHED in one, and only if that move wins is its enrichment saved, so a lead another process or
 * worker enriched meanwhile keeps that enrichment.
 */
import type { Enrichment } from '../types';
import type { Db } from '../store/db';
import { leadOn, type StoredLead } from '../store/leads';
import { enrichmentsOfOn } from '../store/enrichments';
import type { GroqClient } from '../llm/client';
import { createEnrichSession, enrichWithAi, type EnrichSession } from './aiEnrich';
import { commitAiEnrichment } from './aiStage';

export type AiEnrichLeadResult =
  | { outcome: 'enriched'; lead: StoredLead; enrichment: Enrichment; via: 'model' | 'cache' | 'rules'; fallbackReason: string | null }
  | { outcome: 'already_enriched'; lead: StoredLead; enrichment: Enrichment }
  | { outcome: 'not_found' | 'not_enrichable'; lead?: StoredLead; reason: string };

export async function enrichLeadWithAi(db: Db, client: GroqClient, leadId: number, session: EnrichSession = createEnrichSession()): Promise<AiEnrichLeadResult> {
  const before = await leadOn(db, leadId);
  if (!before) return { outcome: 'not_found', reason: `no lead with id ${leadId} in the store ${db.location}` };
  const earlier = (await enrichmentsOfOn(db, [leadId])).get(leadId);
  if (earlier) return { outcome: 'already_enriched', lead: before, enrichment: earlier };
  if (before.status !== 'NEW') return { outcome: 'not_enrichable', lead: before, reason: `lead ${leadId} is ${before.status}, not NEW: only new leads are enriched` };
  const r = await enrichWithAi(db, client, before, session);
  return db.transaction(async (t): Promise<AiEnrichLeadResult> => {
    const now = new Date().toISOString();
    if (await commitAiEnrichment(t, leadId, r, now)) {
      const lead = Object.assign(before, { status: 'ENRICHED' as const, statusReason: null, updatedAt: now });
      return { outcome: 'enriched', lead, enrichment: r.enrichment, via: r.via, fallbackReason: r.fallbackReason };
    }
    // The lead left NEW while the model answered: say where it is now.
    const lead = await leadOn(t, leadId);
    if (!lead) return { outcome: 'not_found', reason: `lead ${leadId} was removed while the model answered` };
    const meanwhile = (await enrichmentsOfOn(t, [leadId])).get(leadId);
    if (meanwhile) return { outcome: 'already_enriched', lead, enrichment: meanwhile };
    return { outcome: 'not_enrichable', lead, reason: `lead ${leadId} left NEW while the model answered` };
  });
}
