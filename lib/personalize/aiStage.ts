/**
 * The personalize stage in AI mode, on either database: ENRICHED → MESSAGED like the template stage, with a bounded
 * number of leads in flight and one short transaction per lead. Each lead gets its variant's copy on every requested
 * channel (model or, recorded as a fallback, template); every stored draft has passed the copy contract. A lead with
 * no sendable channel becomes FAILED with the reasons; a deferred lead stays ENRICHED for the next run; a fatal error stops the
 * stage after the leads already answered are saved.
 */
import type { Channel } from '../types';
import type { Db } from '../store/db';
import { advanceLeadsOn, moveLeadOn } from '../leads/lifecycle';
import { enrichmentsOfOn } from '../store/enrichments';
import { attributesOfLeadsOn } from '../store/leads';
import { loadCampaigns } from '../campaigns/campaigns';
import { saveMessagesOn, type MessageRow } from '../store/messages';
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
 * Move one lead ENRICHED → MESSAGED and store its drafts that pass the copy contract, recording template fallbacks;
 * or FAILED when no requested channel has a sendable draft. A lead no longer ENRICHED (another worker wrote it
 * first: the move is what two writers cannot both win) gets nothing written. Call inside a transaction.
 */
export async function commitAiDrafts(db: Db, leadId: number, drafts: AiDraft[], now: string, campaignId?: number): Promise<AiDraftsCommit> {
  const out: AiDraftsCommit = { messaged: false, messages: 0, rejected: 0, byModel: 0, fellBack: 0, failure: null };
  const rows: MessageRow[] = [];
  const problems: string[] = [];
  const fellBack: Channel[] = [];
  const reasons: string[] = [];
  let rejected = 0;
  let byModel = 0;
  for (const d of drafts) {
    if (d.unwritten !== undefined) {
      rejected++;
      problems.push(`${d.channel}/${d.variant}: ${d.unwritten}`);
      continue;
    }
    // Model drafts were checked already; the template's are checked here as the offline stage does.
    const violations = checkCopy(d);
    if (violations.length) {
      rejected++;
      problems.push(`${d.channel}/${d.variant}: ${violations.map((v) => v.detail).join('; ')}`);
      continue;
    }
    rows.push({ leadId, campaignId, draft: d, wordCount: countWords(d.body), source: d.source });
    if (d.fallbackReason) {
      fellBack.push(d.channel);
      reasons.push(`${d.channel}: ${d.fallbackReason}`);
    } else byModel++;
  }
  if (rows.length === 0) {
    out.failure = 'copy contract: ' + (problems.join(' | ') || 'no draft for the requested channels');
    if (!(await moveLeadOn(db, leadId, 'FAILED', now, out.failure))) out.failure = null;
    else out.rejected = rejected;
    return out;
  }
  if ((await advanceLeadsOn(db, [leadId], 'ENRICHED', 'MESSAGED', now)) !== 1) return out;
  await saveMessagesOn(db, rows, now);
  if (fellBack.length) {
    const usedInstead = drafts.find((d) => d.fallbackReason)?.source ?? TEMPLATE_SOURCE;
    await recordFallback(db, leadId, { stage: 'personalize', reason: reasons.join(' | '), usedInstead, channels: fellBack }, now);
  }
  return { messaged: true, messages: rows.length, rejected, byModel, fellBack: fellBack.length, failure: null };
}

export async function personalizeEnrichedWithAi(
  db: Db,
  client: GroqClient,
  o: PersonalizeOptions,
  c: StageControl<AiPersonalizeTally> = {},
): Promise<AiPersonalizeTally> {
  const tally: AiPersonalizeTally = { messaged: 0, messages: 0, rejected: 0, failedLeads: 0, byModel: 0, fellBack: 0, deferred: 0 };
  return runModelStage(db, {
    status: 'ENRICHED',
    concurrency: client.settings.concurrency,
    control: c,
    tally,
    handled: () => tally.messaged + tally.failedLeads + tally.deferred,
    onDeferred: () => tally.deferred++,
    perBatch: async (batch) => {
      const enrichments = await enrichmentsOfOn(db, batch.map((l) => l.id));
      const campaigns = await loadCampaigns(db);
      const attributes = await attributesOfLeadsOn(db, batch.filter((l) => !campaigns.get(l.campaignId)?.builtin).map((l) => l.id));
      return async (lead) => {
        const campaign = campaigns.get(lead.campaignId);
        if (o.campaign !== undefined && campaign?.name !== o.campaign) return;
        if (campaign && (campaign.state === 'paused' || campaign.state === 'finished')) return;
        const enrichment = enrichments.get(lead.id);
        const drafts = enrichment
          ? await draftWithAi(client, lead, enrichment, { channels: o.channels, senderName: o.senderName, optOutLine: o.optOutLine, campaign, attributes: attributes.get(lead.id) })
          : [];
        const now = new Date().toISOString();
        await db.transaction(async (t) => {
          if (!enrichment) {
            if (await moveLeadOn(t, lead.id, 'FAILED', now, 'enrichment missing for an ENRICHED lead')) tally.failedLeads++;
          } else {
            const r = await commitAiDrafts(t, lead.id, drafts, now, lead.campaignId);
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
