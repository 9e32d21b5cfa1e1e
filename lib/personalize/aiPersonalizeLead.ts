/**
 * `personalizeLeadWithAi`: AI-mode personalization for one chosen lead, the async twin of `personalizeChosen`. The
 * model is asked outside any transaction; the lead is re-read under the write lock before its drafts are stored.
 */
import type { Store } from '../store/store';
import { getLead, leadAttributes, type StoredLead } from '../store/leads';
import { getCampaign } from '../campaigns/campaigns';
import { getEnrichment } from '../store/enrichments';
import { messagesForLead, type StoredMessage } from '../store/messages';
import type { GroqClient } from '../llm/client';
import { draftWithAi, type AiDraftOptions } from './aiDraft';
import { commitAiDrafts } from './aiStage';

export type AiPersonalizeLeadResult =
  | { outcome: 'messaged' | 'already_messaged'; lead: StoredLead; messages: StoredMessage[] }
  | { outcome: 'not_found' | 'not_personalizable' | 'failed'; lead?: StoredLead; reason: string };

export async function personalizeLeadWithAi(store: Store, client: GroqClient, leadId: number, o: AiDraftOptions): Promise<AiPersonalizeLeadResult> {
  const before = getLead(store, leadId);
  if (!before) return { outcome: 'not_found', reason: `no lead with id ${leadId} in the store ${store.path}` };
  if (before.status !== 'ENRICHED') {
    const messages = messagesForLead(store, leadId);
    if (messages.length) return { outcome: 'already_messaged', lead: before, messages };
    return { outcome: 'not_personalizable', lead: before, reason: `lead ${leadId} is ${before.status}, not ENRICHED: enrich it first` };
  }
  const enrichment = getEnrichment(store, leadId);
  if (!enrichment) return { outcome: 'not_personalizable', lead: before, reason: `lead ${leadId} has no enrichment: enrich it first` };
  const campaign = getCampaign(store, before.campaignId);
  if (campaign.state === 'paused' || campaign.state === 'finished') {
    return { outcome: 'not_personalizable', lead: before, reason: `its campaign "${campaign.name}" is ${campaign.state}: resume it to write to its leads` };
  }
  const drafts = await draftWithAi(client, before, enrichment, { ...o, campaign, attributes: campaign.builtin ? {} : leadAttributes(store, leadId) });
  return store.tx((): AiPersonalizeLeadResult => {
    const lead = getLead(store, leadId);
    if (!lead) return { outcome: 'not_found', reason: `lead ${leadId} was removed while the model answered` };
    if (lead.status !== 'ENRICHED') return { outcome: 'already_messaged', lead, messages: messagesForLead(store, leadId) };
    const r = commitAiDrafts(store, leadId, drafts, new Date().toISOString(), lead.campaignId);
    const after = getLead(store, leadId)!;
    if (r.failure) return { outcome: 'failed', lead: after, reason: r.failure };
    return { outcome: 'messaged', lead: after, messages: messagesForLead(store, leadId) };
  });
}
