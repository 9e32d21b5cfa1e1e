/**
 * Sequences: a campaign's later steps. `scheduleFollowUps` finds every lead whose previous email step was SENT and
 * who has not replied, bounced or unsubscribed, drafts the next step with the previous one as context (threaded
 * subject, both A/B voices, the copy contract applied), and queues it in the ledger — one row per step — due a
 * number of business days after the previous send (later still if an out-of-office reply gave a return date).
 * The sender threads it: In-Reply-To and References point at the previous steps' Message-IDs.
 */
import type { Store } from '../store/store';
import { getLead } from '../store/leads';
import { getEnrichment } from '../store/enrichments';
import { saveMessage } from '../store/messages';
import { draftFollowUps, FOLLOW_UP_SOURCE } from '../personalize/followUp';
import { checkCopy, countWords } from '../personalize/copyContract';
import { enqueue } from './ledger';
import { dueForStep } from './eligibility';
import { text, textOrNull } from '../store/rowMapper';
import type { MessageDraft } from '../types';
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
}

export { DEFAULT_SEQUENCE } from '../campaigns/demo';

export interface ScheduleReport {
  scheduled: { leadId: number; step: number; dueAt: string }[];
  rejected: { leadId: number; step: number; reason: string }[];
  /** AI mode: leads whose follow-up the template wrote, and why. */
  fallbacks: { leadId: number; step: number; reason: string }[];
}

/** `from` plus `days` business days (Monday–Friday, UTC calendar), keeping the time of day. */
export function addBusinessDays(from: Date, days: number): Date {
  const d = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6) left--;
  }
  return d;
}

/** The latest return date an out-of-office reply gave for this lead, if any. */
function returnDateOf(store: Store, leadId: number): Date | null {
  const row = store
    .rows("SELECT json_extract(detail, '$.returnDate') FROM events WHERE lead_id = ? AND type = 'auto_reply' AND json_extract(detail, '$.returnDate') IS NOT NULL ORDER BY id DESC LIMIT 1")
    .get(leadId);
  return row ? new Date(text(row[0], 'events.detail.returnDate')) : null;
}

export async function scheduleFollowUps(store: Store, o: SequenceOptions): Promise<ScheduleReport> {
  const now = o.now ?? new Date();
  const report: ScheduleReport = { scheduled: [], rejected: [], fallbacks: [] };
  for (const [i, delay] of o.delaysBusinessDays.entries()) {
    const step = i + 2;
    const stamp = now.toISOString();
    for (const { leadId, previousSentAt, previousBody } of dueForStep(store, { step, dryRun: o.dryRun })) {
      const lead = getLead(store, leadId)!;
      const enrichment = getEnrichment(store, leadId);
      const opener = store.rows("SELECT subject FROM messages WHERE lead_id = ? AND channel = 'email' AND step = 1 AND variant = ?").get(leadId, lead.variant);
      if (!enrichment || !opener) {
        report.rejected.push({ leadId, step, reason: 'no enrichment or first message to follow up on' });
        continue;
      }
      const previous = { subject: textOrNull(opener[0], 'messages.subject') ?? '', step: step - 1 };
      // Template: both voices, like step 1. AI: the lead's own voice, written with the previous email as context.
      let drafts: { draft: MessageDraft; source: string }[];
      if (o.ai) {
        const d = await draftFollowUpWithAi(o.ai, lead, enrichment, { ...previous, body: previousBody }, o);
        if (d.fallbackReason) report.fallbacks.push({ leadId, step, reason: d.fallbackReason });
        drafts = [{ draft: d, source: d.source }];
      } else {
        drafts = draftFollowUps(lead, enrichment, previous, o).map((draft) => ({ draft, source: FOLLOW_UP_SOURCE }));
      }
      store.tx(() => {
        let messageId: number | null = null;
        for (const { draft, source } of drafts) {
          const violations = checkCopy(draft);
          if (violations.length) {
            if (draft.variant === lead.variant) report.rejected.push({ leadId, step, reason: 'copy contract: ' + violations.map((v) => v.detail).join('; ') });
            continue;
          }
          const id = saveMessage(store, leadId, draft, countWords(draft.body), source, stamp);
          if (draft.variant === lead.variant) messageId = id;
        }
        if (messageId === null) return;
        let dueAt = addBusinessDays(new Date(previousSentAt), delay);
        const back = returnDateOf(store, leadId);
        if (back && back > dueAt) dueAt = addBusinessDays(back, 1);
        if (enqueue(store, { leadId, channel: 'email', step, dryRun: o.dryRun }, messageId, stamp, dueAt.toISOString())) {
          report.scheduled.push({ leadId, step, dueAt: dueAt.toISOString() });
        }
      });
    }
  }
  return report;
}
