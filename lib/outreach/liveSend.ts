/**
 * The two-step live send, for callers that must show a person what will go out before it does (the MCP server).
 *
 *   previewLiveSend  → the plan (which leads, which variant, which subject; who is left out and why) and a
 *                      single-use, expiring token bound to the channel, the limit and the exact leads planned;
 *   confirmLiveSend  → spends the token, re-plans, and sends only if the plan is still the one previewed — through
 *                      the ledger (`enqueue`, then `sendQueued`), the one path every live email takes.
 *
 * A preview plans no more than the sending limits (rate, daily cap, window, pauses) let start right now, so a
 * confirm sends what it showed rather than leaving part of it queued for whoever ticks next.
 *
 * Who is planned: leads with a drafted step-1 message in their assigned variant on the channel and no live ledger
 * row for it yet — MESSAGED leads, and SENT ones whose only send so far was a dry run — minus synthetic leads and
 * suppressed addresses (listed as excluded). Live rows already queued (e.g. by an n8n workflow) come first, in the
 * order the sender claims them, so the preview names exactly the rows a confirm will send.
 */
import { LeadflowError } from '../errors';
import type { Channel, Variant } from '../types';
import type { Store } from '../store/store';
import { suppressionReason } from '../store/suppressions';
import { issueConfirmation, useConfirmation } from '../store/confirmations';
import { enqueue } from './ledger';
import { sendQueued, type Compliance, type EmailTransport, type SendTally } from './send';
import type { Sender } from './outgoing';
import { budget, type SendLimits } from './limits';

export const LIVE_SEND_ACTION = 'live_send';
/** Long enough to read a preview and ask a person; short enough that the store has not moved on much. */
export const LIVE_CONFIRM_TTL_MS = 10 * 60_000;

export interface LivePlanItem {
  leadId: number;
  email: string;
  name: string;
  company: string;
  variant: Variant;
  messageId: number;
  subject: string | null;
  /** True when the live row was already in the ledger's queue before this preview. */
  alreadyQueued: boolean;
}

export interface LivePlan {
  channel: Channel;
  limit: number;
  items: LivePlanItem[];
  /** Eligible leads beyond `limit`, left for a later send. */
  remaining: number;
  excluded: { synthetic: number; suppressed: number };
}

export interface LiveRequest {
  channel: Channel;
  limit: number;
}

interface Bound extends LiveRequest {
  leadIds: number[];
}

export function planLiveSend(store: Store, r: LiveRequest): LivePlan {
  const plan: LivePlan = { channel: r.channel, limit: r.limit, items: [], remaining: 0, excluded: { synthetic: 0, suppressed: 0 } };
  const now = new Date().toISOString();
  const queued = store
    .stmt(
      `SELECT l.id, l.email, l.first_name, l.last_name, l.company, l.variant, m.id AS message_id, m.subject
       FROM sends s JOIN leads l ON l.id = s.lead_id JOIN messages m ON m.id = s.message_id
       WHERE s.state = 'QUEUED' AND s.dry_run = 0 AND s.channel = ? AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= ?)
       ORDER BY s.id`,
    )
    .all(r.channel, now);
  const fresh = store
    .stmt(
      `SELECT l.id, l.email, l.first_name, l.last_name, l.company, l.variant, l.synthetic, m.id AS message_id, m.subject
       FROM leads l JOIN messages m ON m.lead_id = l.id AND m.channel = ? AND m.step = 1 AND m.variant = l.variant
       WHERE l.status IN ('MESSAGED', 'SENT')
         AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.lead_id = l.id AND s.channel = ? AND s.step = 1 AND s.dry_run = 0)
       ORDER BY l.id`,
    )
    .all(r.channel, r.channel);
  const item = (row: Record<string, unknown>, alreadyQueued: boolean): LivePlanItem => ({
    leadId: row.id as number,
    email: row.email as string,
    name: `${row.first_name as string} ${row.last_name as string}`,
    company: row.company as string,
    variant: row.variant as Variant,
    messageId: row.message_id as number,
    subject: (row.subject as string | null) ?? null,
    alreadyQueued,
  });
  for (const row of queued) {
    if (plan.items.length < r.limit) plan.items.push(item(row, true));
    else plan.remaining++;
  }
  for (const row of fresh) {
    if (row.synthetic === 1) {
      plan.excluded.synthetic++;
      continue;
    }
    if (suppressionReason(store, row.email as string)) {
      plan.excluded.suppressed++;
      continue;
    }
    if (plan.items.length < r.limit) plan.items.push(item(row, false));
    else plan.remaining++;
  }
  return plan;
}

export interface LivePreview {
  plan: LivePlan;
  /** What the limits allow to start now for this sender, and why not more (null: not limited). */
  allowedNow: number;
  limitedBy: string | null;
  token: string | null;
  expiresAt: string | null;
}

/** Plan within today's limits and, when there is anything to send, issue the token for exactly this plan. */
export function previewLiveSend(
  store: Store,
  r: LiveRequest,
  o: { sender: Sender; limits?: SendLimits; now?: Date },
): LivePreview {
  const now = o.now ?? new Date();
  const b = o.limits ? budget(store, o.sender.email, o.limits, now.getTime()) : { allowed: r.limit, limitedBy: null };
  const allowedNow = Math.min(r.limit, b.allowed);
  const plan = planLiveSend(store, { ...r, limit: allowedNow });
  plan.limit = r.limit;
  const limitedBy = b.allowed < r.limit ? b.limitedBy : null;
  if (plan.items.length === 0) return { plan, allowedNow, limitedBy, token: null, expiresAt: null };
  const bound: Bound = { ...r, leadIds: plan.items.map((i) => i.leadId) };
  const { token, expiresAt } = issueConfirmation(store, LIVE_SEND_ACTION, bound, { ttlMs: LIVE_CONFIRM_TTL_MS, now });
  return { plan, allowedNow, limitedBy, token, expiresAt };
}

export class LiveConfirmRefused extends LeadflowError {
  constructor(message: string) {
    super('refused', message);
    this.name = 'LiveConfirmRefused';
  }
}

export interface LiveSendResult {
  plan: LivePlan;
  tally: SendTally;
  /** How each planned lead's live row ended. */
  outcomes: { leadId: number; email: string; state: string; response: string | null; error: string | null }[];
}

/**
 * Send what a preview showed. Refuses (LiveConfirmRefused, nothing sent) when the token is unknown, spent, expired
 * or was issued for other arguments, and when the leads to send are no longer the ones previewed.
 */
export async function confirmLiveSend(
  store: Store,
  token: string,
  r: LiveRequest,
  o: { transport: EmailTransport; sender: Sender; compliance: Compliance; limits?: SendLimits; now?: Date },
): Promise<LiveSendResult> {
  const used = useConfirmation<Bound>(store, token, LIVE_SEND_ACTION, (b) => b.channel === r.channel && b.limit === r.limit, o.now);
  if (!used.ok) {
    const what =
      used.refusal === 'mismatch'
        ? 'call send_outreach again with the same channel and limit as the preview'
        : 'ask for a new preview (dry_run: false without confirm_token) and confirm that one';
    throw new LiveConfirmRefused(`nothing was sent: ${used.reason}; ${what}`);
  }
  const previewed = used.params.leadIds;
  const plan = planLiveSend(store, { ...r, limit: previewed.length });
  const planned = plan.items.map((i) => i.leadId);
  if (planned.length !== previewed.length || planned.some((id, k) => id !== previewed[k])) {
    throw new LiveConfirmRefused(
      `nothing was sent: the leads to send changed since the preview (${previewed.length} previewed, ${planned.length} now); ` +
        'ask for a new preview and confirm that one',
    );
  }
  const at = (o.now ?? new Date()).toISOString();
  store.tx(() => {
    for (const i of plan.items) if (!i.alreadyQueued) enqueue(store, { leadId: i.leadId, channel: r.channel, step: 1, dryRun: false }, i.messageId, at);
  });
  const tally = await sendQueued(store, {
    dryRun: false,
    channels: [r.channel],
    limit: plan.items.length,
    transport: o.transport,
    sender: o.sender,
    compliance: o.compliance,
    limits: o.limits,
  });
  const row = store.stmt('SELECT state, response, error FROM sends WHERE lead_id = ? AND channel = ? AND step = 1 AND dry_run = 0');
  const outcomes = plan.items.map((i) => {
    const s = row.get(i.leadId, r.channel);
    return {
      leadId: i.leadId,
      email: i.email,
      state: (s?.state as string) ?? 'QUEUED',
      response: (s?.response as string | null) ?? null,
      error: (s?.error as string | null) ?? null,
    };
  });
  return { plan, tally, outcomes };
}
