/**
 * `personalizeLeadWithAi`: AI-mode personalization for one chosen lead, the model-asking counterpart of
 * `personalizeChosen`, on either database. The model is asked outside any transaction; the lead is then moved in one,
 * and its drafts are stored only if that move wins (a lead written meanwhile by another worker keeps its messages).
 */
import type { Db } from '../store/db';
import { attributesOfLeadsOn, leadOn, type StoredLead } from '../store/leads';
import { campaignIn, loadCampaigns } from '../campaigns/campaigns';
import { enrichmentsOfOn } from '../store/enrichments';
import { messagesForLeadsOn, type StoredMessage } from '../store/messages';
import type { GroqClient } from '../llm/client';
import { draftWithAi, type AiDraftOptions } from './aiDraft';
import { commitAiDrafts } from './aiStage';

export type AiPersonalizeLeadResult =
  | { outcome: 'messaged' | 'already_messaged'; lead: StoredLead; messages: StoredMessage[] }
  | { outcome: 'not_found' | 'not_personalizable' | 'failed'; lead?: StoredLead; reason: string };

async function messagesOf(db: Db, leadId: number): Promise<StoredMessage[]> {
  return (await messagesForLeadsOn(db, [leadId])).get(leadId) ?? [];
}

export async function personalizeLeadWithAi(db: Db, client: GroqClient, leadId: number, o: AiDraftOptions): Promise<AiPersonalizeLeadResult> {
  const before = await leadOn(db, leadId);
  if (!before) return { outcome: 'not_found', reason: `no lead with id ${leadId} in the store ${db.location}` };
  if (before.status !== 'ENRICHED') {
    const messages = await messagesOf(db, leadId);
    if (messages.length) return { outcome: 'already_messaged', lead: before, messages };
    return { outcome: 'not_personalizable', lead: before, reason: `lead ${leadId} is ${before.status}, not ENRICHED: enrich it first` };
  }
  const enrichment = (await enrichmentsOfOn(db, [leadId])).get(leadId);
  if (!enrichment) return { outcome: 'not_personalizable', lead: before, reason: `lead ${leadId} has no enrichment: enrich it first` };
  const campaign = campaignIn(await loadCampaigns(db), before.campaignId);
  if (campaign.state === 'paused' || campaign.state === 'finished') {
    return { outcome: 'not_personalizable', lead: before, reason: `its campaign "${campaign.name}" is ${campaign.state}: resume it to write to its leads` };
  }
  const attributes = campaign.builtin ? {} : ((await attributesOfLeadsOn(db, [leadId])).get(leadId) ?? {});
  const drafts = await draftWithAi(client, before, enrichment, { ...o, campaign, attributes });
  return db.transaction(async (t): Promise<AiPersonalizeLeadResult> => {
    const now = new Date().toISOString();
    const lead = await leadOn(t, leadId);
    if (!lead) return { outcome: 'not_found', reason: `lead ${leadId} was removed while the model answered` };
    if (lead.status !== 'ENRICHED') return { outcome: 'already_messaged', lead, messages: await messagesOf(t, leadId) };
    const r = await commitAiDrafts(t, leadId, drafts, now, lead.campaignId);
    if (r.failure) return { outcome: 'failed', lead: Object.assign(lead, { status: 'FAILED' as const, statusReason: r.failure, updatedAt: now }), reason: r.failure };
    if (!r.messaged) return { outcome: 'already_messaged', lead: (await leadOn(t, leadId)) ?? lead, messages: await messagesOf(t, leadId) };
    return { outcome: 'messaged', lead: Object.assign(lead, { status: 'MESSAGED' as const, statusReason: null, updatedAt: now }), messages: await messagesOf(t, leadId) };
  });
}
