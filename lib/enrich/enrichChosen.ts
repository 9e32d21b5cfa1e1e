/**
 * `enrichChosen`: the enrich stage for chosen leads (n8n items, an MCP argument) rather than a batch by status, in
 * one transaction — the stage's own batch step (`enrichBatch`) on the chosen NEW leads. A lead enriched before keeps
 * its enrichment (re-running a workflow changes nothing); a lead in any other state without an enrichment says why
 * it was left. One result per id, in order; an id given twice is enriched once and then reads as already enriched.
 */
import type { Enrichment } from '../types';
import type { Db } from '../store/db';
import { leadsByIdsOn, type StoredLead } from '../store/leads';
import { enrichmentsOfOn, saveEnrichmentsOn } from '../store/enrichments';
import { advanceLeadsOn } from '../leads/lifecycle';
import { enrichByRules } from './rules';

export type EnrichLeadResult =
  | { outcome: 'enriched' | 'already_enriched'; lead: StoredLead; enrichment: Enrichment }
  | { outcome: 'not_found' | 'not_enrichable'; lead?: StoredLead; reason: string };

export async function enrichChosen(db: Db, leadIds: readonly number[]): Promise<EnrichLeadResult[]> {
  return db.transaction(async (t) => {
    const before = await leadsByIdsOn(t, leadIds);
    const earlier = await enrichmentsOfOn(t, leadIds);
    const fresh = [...before.values()].filter((lead) => lead.status === 'NEW' && !earlier.has(lead.id));
    const now = new Date().toISOString();
    // The stage's own rules and writes: the enrichments in a few multi-row statements, the moves in one.
    const enrichments = new Map(fresh.map((lead) => [lead.id, enrichByRules(lead)]));
    await saveEnrichmentsOn(t, [...enrichments].map(([leadId, enrichment]) => ({ leadId, enrichment })), now);
    const ids = fresh.map((lead) => lead.id);
    const moved = await advanceLeadsOn(t, ids, 'NEW', 'ENRICHED', now);
    // Each move changed status, reason and updated_at only: the rows in hand are brought up to date in place, unless
    // another writer got to some first (then which ones is read back).
    const after = moved === ids.length ? new Map(fresh.map((lead) => [lead.id, Object.assign(lead, { status: 'ENRICHED' as const, statusReason: null, updatedAt: now })])) : await leadsByIdsOn(t, ids);
    const told = new Set<number>();
    return leadIds.map((id): EnrichLeadResult => {
      const lead = after.get(id) ?? before.get(id);
      if (!lead) return { outcome: 'not_found', reason: `no lead with id ${id} in the store ${db.location}` };
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
