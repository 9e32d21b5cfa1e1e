/**
 * `ingestLeads`: put valid leads into the store, deduplicated against it. Every lead that does not go in comes back
 * with its reason (already in the store, or erased at the person's request); the rest go in, in the caller's
 * transaction.
 */
import type { LeadInput, Variant } from '../types';
import type { Store } from '../store/store';
import { insertLead, leadRow } from '../store/leads';
import { emailHash, hasSuppressions } from '../store/suppressions';
import { assignVariant } from '../personalize/variant';
import { companyDomainOf } from '../enrich/companyDomain';

export interface IngestResult {
  /** Each lead that went in: its place in the input, its id, and the variant it was assigned. */
  inserted: { index: number; id: number; variant: Variant }[];
  skipped: { index: number; email: string; kind: 'duplicate' | 'erased'; reason: string }[];
}

export function ingestLeads(store: Store, leads: LeadInput[], now: string): IngestResult {
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
    const id = insertLead(store, leadRow(lead, variant, companyDomainOf(lead.website, lead.email)), now);
    if (id === null) result.skipped.push({ index, email: lead.email, kind: 'duplicate', reason: 'duplicate: this email is already in the store' });
    else result.inserted.push({ index, id, variant });
  }
  return result;
}

/** `ingestLeads` in a transaction of its own: for a caller with one batch in hand (a tool call, a node's items). */
export function ingestLeadBatch(store: Store, leads: LeadInput[], now: string = new Date().toISOString()): IngestResult {
  return store.tx(() => ingestLeads(store, leads, now));
}
