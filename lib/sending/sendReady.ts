/**
 * `sendReady`: THE entry every adapter sends through — the n8n node, a scheduled tick, the CLI (`send`, `run --live`),
 * the MCP server (dry run, and the confirmed live send behind its preview guard). One request (what to send), one
 * `SendingConfig` (how: dry run or live, sender, compliance, limits, retries, verification), one path:
 *
 *   plan (eligibility.ts: who is ready) → enqueue in the ledger → schedule due follow-ups → drain (`sendQueued`:
 *   claim, re-check, send, settle, within the limits) → hang up.
 *
 * A dry run sends nothing, so it skips the queue for what it plans: each row is recorded once, already settled, a
 * batch per transaction (`recordDrySends` on SQLite, as the pipeline's send stage does; `recordDrySendsOn` on
 * PostgreSQL); rows queued earlier still drain.
 *
 * New capability lands here once, not once per adapter.
 */
import type { Channel } from '../types';
import type { AnyStore } from '../store/openDb';
import { LeadflowError } from '../errors';
import { planSend, type PlanItem, type SendPlan, type Unplanned } from './eligibility';
import type { DryRunRecord } from './ledger';
import type { StoredLead } from '../store/leads';
import { campaignIn, loadCampaigns, type Campaign } from '../campaigns/campaigns';
import { enqueue } from './ledger';
import { scheduleFollowUps } from './sequence';
import { addTally, recordDrySends, recordDrySendsOn, sendQueued, type DrySend, type EmailTransport, type SendLead, type SendTally } from './drain';
import { DEMO_CAMPAIGN_ID } from '../store/campaigns';
import { campaignWindowFor, opensAt } from '../campaigns/clock';
import { createSmtpTransport } from './smtp';
import type { SendingConfig } from './config';
import { refuseLiveSendInQueueMode } from './queueMode';

/** Dry-run rows recorded per transaction. */
const DRY_BATCH = 1_000;

export interface SendRequest {
  channels: Channel[];
  /** Only these leads (an n8n item's, a confirmed preview's); otherwise every lead that is ready. */
  leadIds?: readonly number[];
  /** At most this many sends in this call. */
  limit?: number;
  /** 0 (default): a tick — what the limits allow now; more: keep going up to this long. */
  maxWaitMs?: number;
  /** Follow-up delays in business days (email), e.g. [3, 5]. */
  sequence?: number[];
  /** Only this campaign's leads (by name); otherwise those of every active campaign. */
  campaign?: string;
}

export interface SendHooks {
  /** Tests and benchmarks hand in their own transport; otherwise one is made from the config and closed after. */
  transport?: EmailTransport;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  retryBaseMs?: number;
  /** Asked between batches; true stops the drain. */
  shouldStop?: () => boolean;
  /**
   * Given an array, the call pushes the dry-run rows it recorded directly (not through the queue), with the lead
   * and message the plan read: what an adapter shows after the send without reading the rows back (sentViews.ts).
   */
  recorded?: RecordedSend[];
}

export interface SendReadyResult extends SendTally {
  live: boolean;
  /** Rows this call put in the ledger. */
  queued: number;
  followUps: number;
  /** Named leads that were not ready, and why. */
  unplanned: Unplanned[];
  /** Ready leads a live send leaves out: synthetic (reserved domains) and suppressed addresses. */
  excluded: { synthetic: number; suppressed: number };
}

export interface RecordedSend {
  record: DryRunRecord;
  /** The lead as planned (its status before the send). */
  lead: StoredLead;
  messageId: number;
  /** When it was recorded. */
  at: string;
}

/** When a lead's live row is due: now (null) unless its campaign's window is shut for it; memoised per zone. */
function recipientOpenings(campaigns: ReadonlyMap<number, Campaign>, now: Date): (lead: SendLead) => string | null {
  const memo = new Map<string, string | null>();
  return (lead) => {
    if (lead.campaignId === undefined || lead.campaignId === DEMO_CAMPAIGN_ID) return null;
    const key = `${lead.campaignId}|${lead.timezone ?? ''}`;
    let due = memo.get(key);
    if (due === undefined) {
      const opens = opensAt(campaignWindowFor(campaignIn(campaigns, lead.campaignId), lead.timezone), now);
      due = opens.getTime() === now.getTime() ? null : opens.toISOString();
      memo.set(key, due);
    }
    return due;
  };
}

export async function sendReady(store: AnyStore, request: SendRequest, config: SendingConfig, hooks: SendHooks = {}): Promise<SendReadyResult> {
  if (config.live) refuseLiveSendInQueueMode(store); // a dry run sends nothing and may go on
  const dryRun = !config.live;
  const now = hooks.now ?? (() => new Date());
  // Named leads are all queued (the drain's limit decides how many go now, the rest wait their turn in the ledger);
  // otherwise no more are queued than this call may send.
  const planLimit = request.leadIds ? undefined : request.limit;
  const campaigns = await loadCampaigns(store);
  const campaignId = request.campaign === undefined ? undefined : campaignIn(campaigns, request.campaign).id;
  const plans: SendPlan[] = [];
  for (const channel of request.channels) plans.push(await planSend(store, { channel, dryRun, leadIds: request.leadIds, campaignId, limit: planLimit, now: now() }));
  const at = now().toISOString();
  // A dry run records up to `limit` of its fresh rows at once, a batch per transaction; the rest, and every live row,
  // go into the queue.
  let direct = dryRun ? (request.limit ?? Number.MAX_SAFE_INTEGER) : 0;
  // A live row of a campaign that writes in its recipients' hours is due when the recipient's window next opens.
  const opensFor = recipientOpenings(campaigns, now());
  const recordNow: DrySend[] = [];
  const planned = new Map<string, PlanItem>();
  const queued = await store.transaction(async (t) => {
    let n = 0;
    for (const plan of plans) {
      for (const item of plan.items) {
        if (item.alreadyQueued) continue;
        if (direct > 0) {
          direct--;
          recordNow.push(item.send);
          planned.set(`${item.leadId}|${plan.channel}`, item);
        } else if (await enqueue(t, { leadId: item.leadId, channel: plan.channel, step: 1, dryRun }, item.messageId, at, dryRun ? null : opensFor(item.send.lead))) n++;
      }
    }
    return n;
  });
  const recorded: SendTally = { claimed: 0, sent: 0, simulated: 0, failed: 0, skipped: 0, requeued: 0, unknown: 0 };
  const records: DryRunRecord[] = [];
  const stamps: string[] = [];
  for (let i = 0; i < recordNow.length; i += DRY_BATCH) {
    const when = now();
    const batch = recordNow.slice(i, i + DRY_BATCH);
    const o = { sender: config.sender, compliance: config.compliance, now: when, recorded: records };
    // SQLite's synchronous batch is the pipeline's own; PostgreSQL's reads and writes the same, asynchronously.
    const t = store.dialect === 'sqlite' ? store.tx(() => recordDrySends(store, batch, o)) : await store.transaction((tx) => recordDrySendsOn(tx, batch, o));
    addTally(recorded, t);
    while (stamps.length < records.length) stamps.push(when.toISOString());
  }
  if (hooks.recorded) {
    for (const [k, record] of records.entries()) {
      const item = planned.get(`${record.leadId}|${record.channel}`)!;
      hooks.recorded.push({ record, lead: item.lead, messageId: item.messageId, at: stamps[k] });
    }
  }
  const followUps =
    request.sequence ? (await scheduleFollowUps(store, { delaysBusinessDays: request.sequence, dryRun, campaignId })).scheduled.length : 0;
  // One transport per mailbox (tests and the simulation hand in one that stands for all of them).
  const own = !hooks.transport && config.live ? config.mailboxes.map((m) => createSmtpTransport(m)) : [];
  const transportOf = (i: number) => hooks.transport ?? own[i];
  try {
    const tally = await sendQueued(store, {
      dryRun,
      channels: request.channels,
      campaignId,
      limit: request.limit === undefined ? undefined : request.limit - recorded.claimed,
      transport: config.live ? transportOf(0) : undefined,
      mailboxes: config.live ? config.mailboxes.slice(1).map((m, i) => ({ sender: m.from, transport: transportOf(i + 1) })) : undefined,
      sender: config.sender,
      compliance: config.compliance,
      limits: config.live ? config.limits : undefined,
      maxRetries: config.maxRetries,
      verificationPolicy: config.verificationPolicy,
      maxWaitMs: request.maxWaitMs ?? 0,
      now: hooks.now,
      sleep: hooks.sleep,
      retryBaseMs: hooks.retryBaseMs,
      shouldStop: hooks.shouldStop,
    });
    const unplanned = request.leadIds ? plans.flatMap((p) => p.unplanned) : [];
    addTally(tally, recorded);
    const excluded = { synthetic: 0, suppressed: 0 };
    for (const p of plans) {
      excluded.synthetic += p.excluded.synthetic;
      excluded.suppressed += p.excluded.suppressed;
    }
    return { live: config.live, queued: queued + recorded.claimed, followUps, unplanned, excluded, ...tally };
  } finally {
    for (const t of own) t.close();
  }
}
