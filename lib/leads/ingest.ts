/**
 * `ingestLeads`: put valid leads into the store, deduplicated against it. Every lead that does not go in comes back
 * with its reason (already in the store, or erased at the person's request); the rest go in, in the caller's
 * transaction, and into the search index (lib/store/leadSearch.ts) with them.
 */
import type { LeadInput, Variant } from '../types';
import type { Store } from '../store/store';
import { insertLead, insertLeadsOn, leadIdsByEmailsOn, leadRow, leadsByIdsOn, type LeadRow, type StoredLead } from '../store/leads';
import { inValues, type Db } from '../store/db';
import { emailHash, hasSuppressions } from '../store/suppressions';
import { assignVariant } from '../personalize/variant';
import { companyDomainOf } from '../enrich/companyDomain';
import { DEMO_CAMPAIGN_ID } from '../store/campaigns';
import { indexNewLeads, indexNewLeadsOn } from '../store/leadSearch';

export interface IngestResult {
  /** Each lead that went in: its place in the input, its id, the variant it was assigned, its company domain and campaign. */
  inserted: { index: number; id: number; variant: Variant; companyDomain: string; campaignId: number }[];
  skipped: { index: number; email: string; kind: 'duplicate' | 'erased'; reason: string }[];
}

const ERASED = 'erased: this person asked to be forgotten; not re-imported';
const DUPLICATE = 'duplicate: this email is already in the store';

/** New leads join `campaignId` (from an import, a node or a tool naming a campaign), else the built-in demo. */
export function ingestLeads(store: Store, leads: LeadInput[], now: string, campaignId?: number): IngestResult {
  const result: IngestResult = { inserted: [], skipped: [] };
  const erasedCheck = hasSuppressions(store)
    ? store.stmt("SELECT 1 FROM suppressions WHERE kind = 'email_sha256' AND value = ?")
    : null;
  for (let index = 0; index < leads.length; index++) {
    const lead = leads[index];
    if (erasedCheck?.get(emailHash(lead.email))) {
      result.skipped.push({ index, email: lead.email, kind: 'erased', reason: ERASED });
      continue;
    }
    const variant = assignVariant(lead.email);
    const companyDomain = companyDomainOf(lead.website, lead.email);
    const id = insertLead(store, leadRow(lead, variant, companyDomain), now, campaignId);
    if (id === null) result.skipped.push({ index, email: lead.email, kind: 'duplicate', reason: DUPLICATE });
    else result.inserted.push({ index, id, variant, companyDomain, campaignId: campaignId ?? DEMO_CAMPAIGN_ID });
  }
  // Every path that adds leads passes here: the batch joins the search index in the same transaction, in one statement.
  if (result.inserted.length > 0) indexNewLeads(store);
  return result;
}

/**
 * `ingestLeads` on either database, in the caller's transaction: the erased addresses found in one read, the rest
 * inserted in a few multi-row statements that return the ids of those that went in. The same result, lead for lead:
 * a second row with an address already in the batch, or in the store, is a duplicate.
 */
export async function ingestLeadsOn(db: Db, leads: LeadInput[], now: string, campaignId?: number): Promise<IngestResult> {
  const result: IngestResult = { inserted: [], skipped: [] };
  const hashes = leads.map((l) => emailHash(l.email));
  const erased = new Set(
    (await db.all(`SELECT value FROM suppressions WHERE kind = 'email_sha256' AND value IN ${inValues(db, 'text')}`, [JSON.stringify(hashes)])).map((r) => String(r[0])),
  );
  const rows: { index: number; row: LeadRow }[] = [];
  const first = new Set<string>();
  for (let index = 0; index < leads.length; index++) {
    const lead = leads[index];
    const key = lead.email.toLowerCase();
    if (erased.has(hashes[index])) result.skipped.push({ index, email: lead.email, kind: 'erased', reason: ERASED });
    else if (first.has(key)) result.skipped.push({ index, email: lead.email, kind: 'duplicate', reason: DUPLICATE });
    else {
      first.add(key);
      rows.push({ index, row: leadRow(lead, assignVariant(lead.email), companyDomainOf(lead.website, lead.email)) });
    }
  }
  const ids = await insertLeadsOn(db, rows.map((r) => r.row), now, campaignId);
  for (const { index, row } of rows) {
    const id = ids.get(row.email.toLowerCase());
    if (id === undefined) result.skipped.push({ index, email: row.email, kind: 'duplicate', reason: DUPLICATE });
    else result.inserted.push({ index, id, variant: row.variant, companyDomain: row.companyDomain, campaignId: campaignId ?? DEMO_CAMPAIGN_ID });
  }
  result.inserted.sort((a, b) => a.index - b.index);
  result.skipped.sort((a, b) => a.index - b.index);
  if (result.inserted.length > 0) await indexNewLeadsOn(db);
  return result;
}

/** `ingestLeads` in a transaction of its own: for a caller with one batch in hand (a tool call, a node's items). */
export function ingestLeadBatch(store: Store, leads: LeadInput[], now: string = new Date().toISOString()): IngestResult {
  return store.tx(() => ingestLeads(store, leads, now));
}

/** Each input lead after `ingestStored`: as stored (an earlier run's lead for a duplicate), or why it is not. */
export type IngestedLead = { lead: StoredLead; outcome: 'inserted' } | { lead: StoredLead; outcome: 'duplicate'; reason: string } | { lead: null; outcome: 'rejected'; reason: string };

/**
 * Insert a batch of leads and give each back as stored, in one transaction — what a caller that hands every lead on
 * (an n8n node's output items) needs: a duplicate comes back as the lead already in the store. An inserted lead is
 * built from the row just written (its id, variant and domain, status NEW) rather than read back; only duplicates
 * are read.
 */
export async function ingestStored(db: Db, leads: LeadInput[], now: string = new Date().toISOString()): Promise<IngestedLead[]> {
  return db.transaction(async (t) => {
    const result = await ingestLeadsOn(t, leads, now);
    const out: IngestedLead[] = new Array(leads.length);
    for (const ok of result.inserted) out[ok.index] = { lead: storedOf(leads[ok.index], ok, now), outcome: 'inserted' };
    const earlier = await leadIdsByEmailsOn(t, result.skipped.filter((s) => s.kind === 'duplicate').map((s) => s.email.toLowerCase()));
    const stored = await leadsByIdsOn(t, [...earlier.values()]);
    for (const s of result.skipped) {
      const found = stored.get(earlier.get(s.email.toLowerCase()) ?? 0);
      out[s.index] = found ? { lead: found, outcome: 'duplicate', reason: s.reason } : { lead: null, outcome: 'rejected', reason: s.reason };
    }
    for (let i = 0; i < out.length; i++) out[i] ??= { lead: null, outcome: 'rejected', reason: 'not stored' };
    return out;
  });
}

/** A lead as `insertLead` just stored it, field by field (as the leads table's mapper would read it back). */
function storedOf(lead: LeadInput, ok: IngestResult['inserted'][number], now: string): StoredLead {
  const stored: StoredLead = {
    id: ok.id,
    email: lead.email,
    firstName: lead.firstName,
    lastName: lead.lastName,
    title: lead.title,
    company: lead.company,
    companyDomain: ok.companyDomain,
    website: lead.website,
    linkedinUrl: lead.linkedinUrl,
    industry: lead.industry,
    country: lead.country,
    timezone: lead.timezone,
    synthetic: lead.synthetic,
    source: lead.source,
    variant: ok.variant,
    status: 'NEW',
    statusReason: null,
    createdAt: now,
    updatedAt: now,
    campaignId: ok.campaignId,
  };
  return stored;
}
