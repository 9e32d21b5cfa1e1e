/**
 * The two-step live send, for callers that must show a person what will go out before it does (the MCP server): a
 * thin guard around `sendReady`, the one entry every send takes.
 *
 *   previewLiveSend  → the plan (eligibility.ts: which leads, which variant, which subject; who is left out and why)
 *                      and a single-use, expiring token bound to the channel, the limit, the campaign (if one was
 *                      named) and the exact leads planned;
 *   confirmLiveSend  → spends the token, re-plans, and calls `sendReady` for exactly the previewed leads, only if the
 *                      plan is still the one previewed.
 *
 * A preview plans no more than the sending limits (rate, daily cap, window, pauses) let start right now, so a
 * confirm sends what it showed rather than leaving part of it queued for whoever ticks next.
 */
import { LeadflowError } from '../errors';
import { refuseLiveSendInQueueMode } from './queueMode';
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { issueConfirmation, useConfirmation } from '../store/confirmations';
import { sendsOfLeads } from '../leads/detail';
import { planSend, type SendPlan } from './eligibility';
import { sendReady, type SendHooks, type SendReadyResult } from './sendReady';
import type { SendingConfig } from './config';
import { budget, type Budget } from './limits';
import { laneLimits, mailboxLanes } from './mailboxes';
import { campaignSender } from './drain';
import type { Sender } from './compose';
import { getCampaign } from '../campaigns/campaigns';

export const LIVE_SEND_ACTION = 'live_send';
/** Long enough to read a preview and ask a person; short enough that the store has not moved on much. */
export const LIVE_CONFIRM_TTL_MS = 10 * 60_000;

export type LivePlan = SendPlan & { limit: number };

export interface LiveRequest {
  channel: Channel;
  limit: number;
  /** Only this campaign's leads (by name); otherwise those of every active campaign. */
  campaign?: string;
}

/** What a token stands for. The campaign by id (null: every active campaign); tokens from before campaigns have none. */
interface Bound {
  channel: Channel;
  limit: number;
  campaignId?: number | null;
  leadIds: number[];
}

const campaignIdOf = async (store: Store, r: LiveRequest) => (r.campaign === undefined ? undefined : (await getCampaign(store, r.campaign)).id);

type LiveConfig = Extract<SendingConfig, { live: true }>;

export interface LivePreview {
  plan: LivePlan;
  /** What the limits allow to start now from the mailboxes that would send, and why not more (null: not limited). */
  allowedNow: number;
  /** Who it would go out from: each mailbox that serves the request, under the name it sends with. */
  from: Sender[];
  limitedBy: string | null;
  token: string | null;
  expiresAt: string | null;
}

/** Plan within today's limits and, when there is anything to send, issue the token for exactly this plan. */
export async function previewLiveSend(store: Store, r: LiveRequest, config: LiveConfig, o: { now?: Date } = {}): Promise<LivePreview> {
  // No token for a send that would be refused: say so at the preview.
  refuseLiveSendInQueueMode(store);
  const now = o.now ?? new Date();
  const campaignId = await campaignIdOf(store, r);
  // The mailboxes that would send it (those serving its campaign, or any campaign), each within its own budget.
  const { lanes } = await mailboxLanes(store, config.mailboxes.map((m) => m.from), now.getTime());
  // Lanes come in the order of the accounts given: each one's sender is its account's.
  const serving = lanes
    .map((lane, i) => ({ lane, sender: config.mailboxes[i].from }))
    .filter(({ lane: l }) => (campaignId === undefined ? l.campaigns.length > 0 : l.campaigns.includes(campaignId)));
  let room = 0;
  let limitedBy: string | null = null;
  // Read together, as a claim would: one transaction holding each mailbox's budget lock while it reads.
  const budgets = await store.transaction(async (t) => {
    const out: Budget[] = [];
    for (const { lane: l } of serving) out.push(await budget(t, l.address, laneLimits(config.limits, l.campaignCap)!, now.getTime()));
    return out;
  });
  for (const b of budgets) {
    room = Math.min(Number.MAX_SAFE_INTEGER, room + b.allowed);
    if (b.allowed < r.limit) limitedBy ??= b.limitedBy;
  }
  const allowedNow = Math.min(r.limit, room);
  if (allowedNow >= r.limit) limitedBy = null;
  else limitedBy ??= serving.length ? null : 'no SMTP account here is one of the campaign\'s mailboxes';
  const from: Sender[] = [];
  for (const { sender } of serving) from.push(await campaignSender(store, campaignId, sender));
  const plan: LivePlan = { ...(await planSend(store, { channel: r.channel, dryRun: false, campaignId, limit: allowedNow, now })), limit: r.limit };
  if (plan.items.length === 0) return { plan, allowedNow, from, limitedBy, token: null, expiresAt: null };
  const bound: Bound = { channel: r.channel, limit: r.limit, campaignId: campaignId ?? null, leadIds: plan.items.map((i) => i.leadId) };
  const { token, expiresAt } = issueConfirmation(store, LIVE_SEND_ACTION, bound, { ttlMs: LIVE_CONFIRM_TTL_MS, now });
  return { plan, allowedNow, from, limitedBy, token, expiresAt };
}

export class LiveConfirmRefused extends LeadflowError {
  constructor(message: string) {
    super('refused', message);
    this.name = 'LiveConfirmRefused';
  }
}

export interface LiveSendResult {
  plan: LivePlan;
  sent: SendReadyResult;
  /** How each planned lead's live row ended. */
  outcomes: { leadId: number; email: string; state: string; response: string | null; error: string | null }[];
}

/**
 * Send what a preview showed. Refuses (LiveConfirmRefused, nothing sent) when the token is unknown, spent, expired
 * or was issued for other arguments, and when the leads to send are no longer the ones previewed.
 */
export async function confirmLiveSend(store: Store, token: string, r: LiveRequest, config: LiveConfig, hooks: SendHooks & { now?: () => Date } = {}): Promise<LiveSendResult> {
  const now = hooks.now?.() ?? new Date();
  const campaignId = await campaignIdOf(store, r);
  const matches = (b: Bound) => b.channel === r.channel && b.limit === r.limit && (b.campaignId ?? null) === (campaignId ?? null);
  const used = useConfirmation<Bound>(store, token, LIVE_SEND_ACTION, matches, now);
  if (!used.ok) {
    const what =
      used.refusal === 'mismatch'
        ? 'call send_outreach again with the same channel, limit and campaign as the preview'
        : 'ask for a new preview (dry_run: false without confirm_token) and confirm that one';
    throw new LiveConfirmRefused(`nothing was sent: ${used.reason}; ${what}`);
  }
  const previewed = used.params.leadIds;
  const plan: LivePlan = { ...(await planSend(store, { channel: r.channel, dryRun: false, campaignId, limit: previewed.length, now })), limit: r.limit };
  const planned = plan.items.map((i) => i.leadId);
  if (planned.length !== previewed.length || planned.some((id, k) => id !== previewed[k])) {
    throw new LiveConfirmRefused(
      `nothing was sent: the leads to send changed since the preview (${previewed.length} previewed, ${planned.length} now); ` +
        'ask for a new preview and confirm that one',
    );
  }
  const sent = await sendReady(store, { channels: [r.channel], leadIds: previewed, campaign: r.campaign, limit: previewed.length }, config, hooks);
  const sends = await sendsOfLeads(store, plan.items.map((i) => i.leadId));
  const outcomes = plan.items.map((i) => {
    const s = sends.get(i.leadId)?.find((x) => !x.dryRun && x.channel === r.channel && x.step === 1);
    return { leadId: i.leadId, email: i.email, state: s?.state ?? 'QUEUED', response: s?.response ?? null, error: s?.error ?? null };
  });
  return { plan, sent, outcomes };
}
