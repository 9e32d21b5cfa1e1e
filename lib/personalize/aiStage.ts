/**
 * The personalize stage in AI mode: ENRICHED → MESSAGED like the template stage, with a bounded number of leads in
 * flight and one short transaction per lead. Each lead gets its variant's copy on every requested channel (model or,
 * recorded as a fallback, template); every stored draft has passed the copy contract. A lead with no sendable
 * channel becomes FAILED with the reasons; a deferred lead stays ENRICHED for the next run; a fatal error stops the
 * stage after the leads already answered are saved.
 */
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { advanceLead, moveLead } from '../leads/lifecycle';
import { enrichmentsFor } from '../store/enrichments';
import { attributesOfLeads } from '../store/leads';
import { campaignsById } from '../campaigns/campaigns';
import { saveMessage } from '../store/messages';
import type { GroqClient } from '../llm/client';
import { recordFallback } from '../llm/fallbacks';
import type { StageControl } from '../pipeline/control';
import { runModelStage } from '../pipeline/modelStage';
import { checkCopy, countWords } from './copyContract';
import { draftWithAi, type AiDraft } from './aiDraft';
import { TEMPLATE_SOURCE } from './templates';
import type { PersonalizeOptions, PersonalizeTally } from './stage';

export interface AiPersonalizeTally extends PersonalizeTally {
  /** Messages written by the model. */
  byModel: number;
  /** Messages written by the template after the model's were refused or missing. */
  fellBack: number;
  deferred: number;
}

export interface AiDraftsCommit {
  messaged: boolean;
  messages: number;
  rejected: number;
  byModel: number;
  fellBack: number;
  /** Why the lead became FAILED, when it did. */
  failure: string | null;
}

/**
 * Store one lead's drafts that pass the copy contract, record template fallbacks, and move the lead ENRICHED →
 * MESSAGED, or FAILED when no requested channel has a sendable draft. Call inside `store.tx`.
 */
export function commitAiDrafts(store: Store, leadId: number, drafts: AiDraft[], now: string, campaignId?: number): AiDraftsCommit {
  const out: AiDraftsCommit = { messaged: false, messages: 0, rejected: 0, byModel: 0, fellBack: 0, failure: null };
  const sendable = new Set<Channel>();
  const problems: string[] = [];
  const fellBack: Channel[] = [];
  const reasons: string[] = [];
  for (const d of drafts) {
    if (d.unwritten !== undefined) {
      out.rejected++;
      problems.push(`${d.channel}/${d.variant}: ${d.unwritten}`);
      continue;
    }
    // Model drafts were checked already; the template's are checked here as the offline stage does.
    const violations = checkCopy(d);
    if (violations.length) {
      out.rejected++;
      problems.push(`${d.channel}/${d.variant}: ${violations.map((v) => v.detail).join('; ')}`);
      continue;
    }
    saveMessage(store, leadId, d, countWords(d.body), d.source, now, campaignId);
    out.messages++;
    sendable.add(d.channel);
    if (d.fallbackReason) {
      out.fellBack++;
      fellBack.push(d.channel);
      reasons.push(`${d.channel}: ${d.fallbackReason}`);
    } else out.byModel++;
  }
  if (fellBack.length) {
    const usedInstead = drafts.find((d) => d.fallbackReason)?.source ?? TEMPLATE_SOURCE;
    recordFallback(store, leadId, { stage: 'personalize', reason: reasons.join(' | '), usedInstead, channels: fellBack }, now);
  }
  if (sendable.size > 0) out.messaged = advanceLead(store, leadId, 'ENRICHED', 'MESSAGED', now);
  else {
    out.failure = 'copy contract: ' + (problems.join(' | ') || 'no draft for the requested channels');
    moveLead(store, leadId, 'FAILED', now, out.failure);
  }
  return out;
}

export async function personalizeEnrichedWithAi(
  store: Store,
  client: GroqClient,
  o: PersonalizeOptions,
  c: StageControl<AiPersonalizeTally> = {},
): Promise<AiPersonalizeTally> {
  const tally: AiPersonalizeTally = { messaged: 0, messages: 0, rejected: 0, failedLeads: 0, byModel: 0, fellBack: 0, deferred: 0 };
  return runModelStage(store, {
    status: 'ENRICHED',
    concurrency: client.settings.concurrency,
    control: c,
    tally,
    handled: () => tally.messaged + tally.failedLeads + tally.deferred,
    onDeferred: () => tally.deferred++,
    perBatch: (batch) => {
      const enrichments = enrichmentsFor(store, batch[0].id, batch[batch.length - 1].id);
      const campaigns = campaignsById(store, batch.map((l) => l.campaignId));
      const attributes = attributesOfLeads(store, batch.filter((l) => !campaigns.get(l.campaignId)?.builtin).map((l) => l.id));
      return async (lead) => {
        const campaign = campaigns.get(lead.campaignId);
        if (o.campaign !== undefined && campaign?.name !== o.campaign) return;
        if (campaign && (campaign.state === 'paused' || campaign.state === 'finished')) return;
        const enrichment = enrichments.get(lead.id);
        const drafts = enrichment
          ? await draftWithAi(client, lead, enrichment, { channels: o.channels, senderName: o.senderName, optOutLine: o.optOutLine, campaign, attributes: attributes.get(lead.id) })
          : [];
        const now = new Date().toISOString();
        store.tx(() => {
          if (!enrichment) {
            moveLead(store, lead.id, 'FAILED', now, 'enrichment missing for an ENRICHED lead');
            tally.failedLeads++;
          } else {
            const r = commitAiDrafts(store, lead.id, drafts, now, lead.campaignId);
            tally.messages += r.messages;
            tally.rejected += r.rejected;
            tally.byModel += r.byModel;
            tally.fellBack += r.fellBack;
            if (r.messaged) tally.messaged++;
            if (r.failure) tally.failedLeads++;
          }
          c.inBatch?.(tally);
        });
      };
    },
  });
}
