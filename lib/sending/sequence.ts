/**
 * Sequences: a campaign's later steps. `scheduleFollowUps` finds every lead whose previous email step was SENT and
 * who has not replied, bounced or unsubscribed, drafts the next step with the previous one as context (threaded
 * subject, both A/B voices, the copy contract applied), and queues it in the ledger — one row per step — due a
 * number of business days after the previous send (later still if an out-of-office reply gave a return date).
 * The sender threads it: In-Reply-To and References point at the previous steps' Message-IDs.
 */
import type { Db } from '../store/db';
import { leadAttributesOn, leadOn, type StoredLead } from '../store/leads';
import { campaignsInState, getCampaign, type Campaign } from '../campaigns/campaigns';
import { CAMPAIGN_TEMPLATE_SOURCE, draftStep } from '../campaigns/draft';
import { campaignWindowFor, dueAfter } from '../campaigns/clock';
import { enrichmentsOfOn } from '../store/enrichments';
import { saveMessage } from '../store/messages';
import { draftFollowUps, FOLLOW_UP_SOURCE, threadSubject, type PreviousStep } from '../personalize/followUp';
import { checkCopy, countWords } from '../personalize/copyContract';
import { enqueue } from './ledger';
import { dueForStep } from './eligibility';
import { textOrNull } from '../store/rowMapper';
import type { Enrichment, MessageDraft } from '../types';
import type { GroqClient } from '../llm/client';
import { draftFollowUpWithAi } from '../personalize/aiFollowUp';

export interface SequenceOptions {
  /** Business days to wait before each later step: [3, 5] means step 2 three business days after step 1, step 3
   *  five after step 2. */
  delaysBusinessDays: number[];
  dryRun: boolean;
  now?: Date;
  senderName?: string;
  optOutLine?: string;
  /** Write the follow-ups with this model (falling back to the template per lead); template when absent. */
  ai?: GroqClient;
  /** Only this campaign's leads (its id); otherwise every lead's, each by its own campaign. */
  campaignId?: number;
}

export { DEFAULT_SEQUENCE } from '../campaigns/demo';

export interface ScheduleReport {
  scheduled: { leadId: number; step: number; dueAt: string }[];
  rejected: { leadId: number; step: number; reason: string }[];
  /** AI mode: leads whose follow-up the template wrote, and why. */
  fallbacks: { leadId: number; step: number; reason: string }[];
}

/**
 * The latest return date an out-of-office reply gave for this lead, if any. Its auto-replies are few: read and parsed
 * here, the same on either database.
 */
async function returnDateOf(db: Db, leadId: number): Promise<Date | null> {
  for (const [detail] of await db.all("SELECT detail FROM events WHERE lead_id = ? AND type = 'auto_reply' ORDER BY id DESC", [leadId])) {
    const returnDate = typeof detail === 'string' ? (JSON.parse(detail) as { returnDate?: unknown }).returnDate : undefined;
    if (typeof returnDate === 'string') return new Date(returnDate);
  }
  return null;
}

/** A lead's step N: how long after step N-1, and the drafts (both voices, or the lead's own when the model wrote). */
interface StepPlan {
  delay: number;
  drafts: { draft: MessageDraft; source: string }[];
  /** Why the lead's own voice has no draft (a campaign's model variant with no model and no fallback). */
  unwritten?: string;
}

/** The demo's follow-up: the built-in templates, or the model in its demo voice. */
async function demoStep(o: SequenceOptions, step: number, lead: StoredLead, enrichment: Enrichment, previous: PreviousStep & { body: string }, report: ScheduleReport): Promise<StepPlan | null> {
  const delay = o.delaysBusinessDays[step - 2];
  if (delay === undefined) return null;
  if (o.ai) {
    const d = await draftFollowUpWithAi(o.ai, lead, enrichment, previous, o);
    if (d.fallbackReason) report.fallbacks.push({ leadId: lead.id, step, reason: d.fallbackReason });
    return { delay, drafts: [{ draft: d, source: d.source }] };
  }
  return { delay, drafts: draftFollowUps(lead, enrichment, previous, o).map((draft) => ({ draft, source: FOLLOW_UP_SOURCE })) };
}

/**
 * A campaign's step N for the lead: its delay and its templates (threaded under the first subject when a step gives
 * none); a model variant is written by the model with the campaign's prompt when one is set up, else by its fallback.
 */
async function campaignStep(
  db: Db, o: SequenceOptions, campaign: Campaign, step: number, lead: StoredLead, enrichment: Enrichment,
  previous: PreviousStep & { body: string }, report: ScheduleReport,
): Promise<StepPlan | null> {
  const { spec } = campaign;
  const stepSpec = spec.sequence[step - 1];
  if (!stepSpec?.email || campaign.state !== 'active') return null;
  const drafted = draftStep(spec, campaign.sequence, lead, enrichment, await leadAttributesOn(db, lead.id), { step, channels: ['email'], threadOf: previous.subject });
  const byModel = drafted.forModel.find((m) => m.variant === lead.variant);
  const own = drafted.drafts.find((d) => d.variant === lead.variant);
  const plan: StepPlan = { delay: stepSpec.delayBusinessDays, drafts: drafted.drafts.map((draft) => ({ draft, source: CAMPAIGN_TEMPLATE_SOURCE })) };
  if (byModel && o.ai) {
    const d = await draftFollowUpWithAi(o.ai, lead, enrichment, previous, {
      campaign: { spec, brief: byModel.brief, fallback: own ?? null, subject: own?.subject ?? threadSubject(previous.subject) },
    });
    if (d.fallbackReason) report.fallbacks.push({ leadId: lead.id, step, reason: d.fallbackReason });
    plan.drafts = [{ draft: d, source: d.source }];
    if (d.unwritten) plan.unwritten = d.unwritten;
  } else if (!own) {
    plan.unwritten = drafted.unwritten.find((u) => u.variant === lead.variant)?.reason ?? 'no draft';
  }
  return plan;
}

/**
 * Schedule every due follow-up: for each later step, the leads `dueForStep` names, each by its campaign — the demo's
 * built-in follow-ups and `delaysBusinessDays`, or the campaign's own step N, delay and templates. Each draft passes
 * the copy contract and is queued, due its delay after the previous step (later if an out-of-office gave a date).
 */
export async function scheduleFollowUps(store: Db, o: SequenceOptions): Promise<ScheduleReport> {
  const now = o.now ?? new Date();
  const report: ScheduleReport = { scheduled: [], rejected: [], fallbacks: [] };
  const stamp = now.toISOString();
  const lastStep = Math.max(o.delaysBusinessDays.length + 1, ...(await campaignsInState(store, 'active')).map((c) => c.spec.sequence.length));
  for (let step = 2; step <= lastStep; step++) {
    for (const { leadId, previousSentAt, previousBody, previousMailbox } of await dueForStep(store, { step, dryRun: o.dryRun, campaignId: o.campaignId })) {
      const lead = (await leadOn(store, leadId))!;
      const enrichment = (await enrichmentsOfOn(store, [leadId])).get(leadId);
      const opener = await store.get("SELECT subject FROM messages WHERE lead_id = ? AND channel = 'email' AND step = 1 AND variant = ?", [leadId, lead.variant]);
      if (!enrichment || !opener) {
        report.rejected.push({ leadId, step, reason: 'no enrichment or first message to follow up on' });
        continue;
      }
      const previous = { subject: textOrNull(opener[0], 'messages.subject') ?? '', step: step - 1, body: previousBody };
      const campaign = await getCampaign(store, lead.campaignId);
      const plan = campaign.builtin ? await demoStep(o, step, lead, enrichment, previous, report) : await campaignStep(store, o, campaign, step, lead, enrichment, previous, report);
      if (!plan) continue;
      if (plan.unwritten) {
        report.rejected.push({ leadId, step, reason: plan.unwritten });
        continue;
      }
      await store.transaction(async (t) => {
        let messageId: number | null = null;
        for (const { draft, source } of plan.drafts) {
          const violations = checkCopy(draft);
          if (violations.length) {
            if (draft.variant === lead.variant) report.rejected.push({ leadId, step, reason: 'copy contract: ' + violations.map((v) => v.detail).join('; ') });
            continue;
          }
          const id = await saveMessage(t, leadId, draft, countWords(draft.body), source, stamp, lead.campaignId);
          if (draft.variant === lead.variant) messageId = id;
        }
        if (messageId === null) return;
        // Counted on the recipient's calendar and moved into their hours when the campaign has a window.
        const w = campaignWindowFor(campaign, lead.timezone);
        let dueAt = dueAfter(w, new Date(previousSentAt), plan.delay);
        const back = await returnDateOf(t, leadId);
        if (back && back > dueAt) dueAt = dueAfter(w, back, 1);
        // On the thread's mailbox: a follow-up leaves from where the first email did.
        if (await enqueue(t, { leadId, channel: 'email', step, dryRun: o.dryRun }, messageId, stamp, dueAt.toISOString(), previousMailbox)) {
          report.scheduled.push({ leadId, step, dueAt: dueAt.toISOString() });
        }
      });
    }
  }
  return report;
}
