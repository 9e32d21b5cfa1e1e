/**
 * `ingestLeads`: put valid leads into the store, deduplicated against it. Every lead that does not go in comes back
 * with its reason (already in the store, or erased at the person's request); the rest go in, in the caller's
 * transaction.
 */
import type { LeadInput, Variant } from '../types';
import type { Store } from '../store/store';
import { insertLead, leadIdsByEmails, leadRow, leadsByIds, type StoredLead } from '../store/leads';
import { emailHash, hasSuppressions } from '../store/suppressions';
import { assignVariant } from '../personalize/variant';
import { companyDomainOf } from '../enrich/companyDomain';

export interface IngestResult {
  /** Each lead that went in: its place in the input, its id, and the variant it was assigned. */
  inserted: { index: number; id: number; variant: Variant }[];
  skipped: { index: number; email: string; kind: 'duplicate' | 'erased'; reason: string }[];
}

/** New leads join `campaignId` (from an import, a node or a tool naming a campaign), else the built-in demo. */
export function ingestLeads(store: Store, leads: LeadInput[], now: string, campaignId?: number): IngestResult {
  const result: IngestResult = { inserted: [], skipped: [] };
  const erasedCheck = hasSuppressions(store)
    ? store.stmt("SELECT 1 FROM suppressions WHERE kind = 'email_sha256' AND value = ?")
    : null;
  for (let index = 0; index < leads.length; index++) {
    const lead = leads[index];
    if (erasedCheck?.get(emailHash(lead.email))) {
      result.skipped.push({ index, email: lead.email, kind: 'erased', reason: 'erased: this person asked to be forgotten; not re-imported' });
      continue;
    }
    const variant = assignVariant(lead.email);
    const id = insertLead(store, leadRow(lead, variant, companyDomainOf(lead.website, lead.email)), now, campaignId);
    if (id === null) result.skipped.push({ index, email: lead.email, kind: 'duplicate', reason: 'duplicate: this email is already in the store' });
    else result.inserted.push({ index, id, variant });
  }
  return result;
}

/** `ingestLeads` in a transaction of its own: for a caller with one batch in hand (a tool call, a node's items). */
export function ingestLeadBatch(store: Store, leads: LeadInput[], now: string = new Date().toISOString()): IngestResult {
  return store.tx(() => ingestLeads(store, leads, now));
}

/** Each input lead after `ingestStored`: as stored (an earlier run's lead for a duplicate), or why it is not. */
export type IngestedLead = { lead: StoredLead; outcome: 'inserted' } | { lead: StoredLead; outcome: 'duplicate'; reason: string } | { lead: null; outcome: 'rejected'; reason: string };

/**
 * Insert a batch of leads and read each back as stored, in one transaction — what a caller that hands every lead on
 * (an n8n node's output items) needs: a duplicate comes back as the lead already in the store.
 */
export function ingestStored(store: Store, leads: LeadInput[], now: string = new Date().toISOString()): IngestedLead[] {
  return store.tx(() => {
    const result = ingestLeads(store, leads, now);
    const idOf = new Map(result.inserted.map((i) => [i.index, i.id]));
    const skipped = new Map(result.skipped.map((s) => [s.index, s]));
    const earlier = leadIdsByEmails(store, result.skipped.filter((s) => s.kind === 'duplicate').map((s) => s.email.toLowerCase()));
    for (const s of result.skipped) {
      const id = earlier.get(s.email.toLowerCase());
      if (id !== undefined) idOf.set(s.index, id);
    }
    const stored = leadsByIds(store, [...idOf.values()]);
    return leads.map((_, index): IngestedLead => {
      const found = stored.get(idOf.get(index) ?? 0);
      const reason = skipped.get(index)?.reason;
      if (!found) return { lead: null, outcome: 'rejected', reason: reason ?? 'not stored' };
      return reason ? { lead: found, outcome: 'duplicate', reason } : { lead: found, outcome: 'inserted' };
    });
  });
}
