/**
 * `personalizeLead`: the personalize stage for one chosen lead. The same rules as `personalizeEnriched`: every draft
 * passes the copy contract before it is stored; the lead moves ENRICHED → MESSAGED when its assigned variant has a
 * sendable draft on a requested channel, else FAILED with the violations as its reason. A lead messaged before
 * returns its stored messages unchanged.
 */
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { getLead, advanceLeadStatus, setLeadStatus, type StoredLead } from '../store/leads';
import { getEnrichment } from '../store/enrichments';
import { saveMessage, messagesForLead, type StoredMessage } from '../store/messages';
import { TEMPLATE_SOURCE } from './templates';
import { acceptedDrafts } from './acceptedDrafts';

export interface PersonalizeLeadOptions {
  channels: Channel[];
  senderName?: string;
  optOutLine?: string;
}

export type PersonalizeLeadResult =
  | { outcome: 'messaged' | 'already_messaged'; lead: StoredLead; messages: StoredMessage[]; rejected: string[] }
  | { outcome: 'not_found' | 'not_personalizable' | 'failed'; lead?: StoredLead; reason: string };

export function personalizeLead(store: Store, leadId: number, o: PersonalizeLeadOptions): PersonalizeLeadResult {
  return store.tx((): PersonalizeLeadResult => {
    const lead = getLead(store, leadId);
    if (!lead) return { outcome: 'not_found', reason: `no lead with id ${leadId} in the store ${store.path}` };
    if (lead.status !== 'ENRICHED') {
      const stored = messagesForLead(store, lead.id);
      if (stored.length) return { outcome: 'already_messaged', lead, messages: stored, rejected: [] };
      return { outcome: 'not_personalizable', lead, reason: `lead ${lead.id} is ${lead.status}, not ENRICHED: enrich it first` };
    }
    const now = new Date().toISOString();
    const enrichment = getEnrichment(store, lead.id);
    if (!enrichment) {
      setLeadStatus(store, lead.id, 'FAILED', now, 'enrichment missing for an ENRICHED lead');
      return { outcome: 'failed', lead: getLead(store, lead.id), reason: 'enrichment missing for an ENRICHED lead' };
    }
    const judged = acceptedDrafts(lead, enrichment, o);
    for (const { draft, words } of judged.accepted) saveMessage(store, lead.id, draft, words, TEMPLATE_SOURCE, now);
    if (judged.sendable.size === 0) {
      const reason = 'copy contract: ' + judged.ownProblems.join(' | ');
      setLeadStatus(store, lead.id, 'FAILED', now, reason);
      return { outcome: 'failed', lead: getLead(store, lead.id), reason };
    }
    advanceLeadStatus(store, lead.id, 'ENRICHED', 'MESSAGED', now);
    return { outcome: 'messaged', lead: getLead(store, lead.id)!, messages: messagesForLead(store, lead.id), rejected: judged.rejected };
  });
}
