/**
 * `sendQueued`: drain due rows of the ledger through a transport — the one path every adapter sends through.
 *
 * Per row: claim (atomic) → re-check suppression → deliver (or record, in a dry run) → settle. A dry run composes
 * no MIME: it stores the record (envelope, headers) that `composeMime` turns into the exact bytes on demand.
 * Live sends are settled one by one, right after the transport answers; dry-run settlements commit per batch.
 * `recordDrySends` is the dry run for messages already in hand (the send stage): the same gate and record, each
 * ledger row written once, settled, in the caller's transaction.
 */
import { LeadflowError } from '../errors';
import { CHANNELS, VARIANTS, type Channel, type LeadStatus, type MessageDraft, type Variant } from '../types';
import { flag, int, oneOf, rowMapper, text, textOrNull, type Cells } from '../store/rowMapper';
import type { Store } from '../store/store';
import type { StoredLead } from '../store/leads';
import { movesNow, type LeadMoves } from '../leads/leadMoves';
import { suppressionReason, suppressedNow, suppressedAmong, hasSuppressions } from '../store/suppressions';
import { inValues, type Db } from '../store/db';
import { claim, deferClaimed, nextClaimable, settle, reapDeadClaims, recordDryRun, recordDryRunOn, type ClaimedSend, type DryRunRecord, type LedgerKey, type Settlement } from './ledger';
import { outgoingEmail, DRY_RUN_SENDER, type OutgoingEmail, type Sender } from './compose';
import { simulateLinkedInDm } from './linkedin';
import { ownerId } from '../store/owner';
import { DeliveryError, backoffMs } from './faults';
import { budget, checkBounceRate, DEFAULT_MAX_RETRIES, nextWindowOpening, refund, spend, windowOpen, type Budget, type SendLimits } from './limits';
import { campaignWindowFor } from '../campaigns/clock';
import { listUnsubscribeHeaders, unsubscribeToken, unsubscribeUrl } from '../inbound/unsubscribe';
import { threadHeaders, threadHeadersOn } from './thread';
import { DEMO_CAMPAIGN_ID } from '../store/campaigns';
import { campaignIn, loadCampaigns, loadCampaignsSync, type Campaign } from '../campaigns/campaigns';
import { moveLeadOn } from '../leads/lifecycle';
import { laneLimits, mailboxLanes, type MailboxLane } from './mailboxes';
import { verificationOn } from '../deliverability/verifyLeads';
import { verificationPolicyAllows, type VerificationPolicy } from '../deliverability/verify';

/**
 * What every live email must carry (CAN-SPAM, RFC 8058): a signed one-click unsubscribe link in the headers and the
 * body, and the sender's postal address in the footer. Live sending without it is refused.
 */
export interface Compliance {
  /** Base URL of the unsubscribe endpoint (the status page's /unsubscribe, or an n8n webhook). */
  unsubscribeBaseUrl: string;
  /** HMAC secret for the tokens (LEADFLOW_SECRET). */
  secret: string;
  postalAddress: string;
  /** Optional mailbox for mailto: unsubscribe requests. */
  unsubscribeMailto?: string;
}

/** Delivers one composed email. Resolves with the server's answer; rejects with an error carrying `settlement`. */
export interface EmailTransport {
  deliver(mail: OutgoingEmail): Promise<{ response: string }>;
}

export class LiveSendRefused extends LeadflowError {
  constructor(message: string) {
    super('refused', message);
    this.name = 'LiveSendRefused';
  }
}

export interface SendOptions {
  /** Default true: record what would be sent, send nothing. */
  dryRun?: boolean;
  channels?: Channel[];
  /** Only this campaign's rows (its id); otherwise those of every active campaign. */
  campaignId?: number;
  /** Stop after this many claimed rows (default: all that are due). */
  limit?: number;
  batchSize?: number;
  sender?: Sender;
  /** Required when dryRun is false: the primary mailbox's transport (it sends as `sender`). */
  transport?: EmailTransport;
  /** Further mailboxes (live): each sends the rows of the campaigns that list it, and its threads. */
  mailboxes?: Account[];
  /** Claim holder id; defaults to this process. */
  worker?: string;
  now?: () => Date;
  /** Transient faults are retried this many times after the first attempt, then FAILED (default 2). */
  maxRetries?: number;
  /** Base of the exponential backoff between retries (ms, default 60 s). */
  retryBaseMs?: number;
  /**
   * Recipient verification the live sender respects before a lead's first email: 'deliverable-only' or
   * 'allow-risky' (a lead never verified is held back under either); off when not set.
   */
  verificationPolicy?: VerificationPolicy;
  /** Live messages in flight at once (default 3; match the transport's connections). */
  concurrency?: number;
  /** Live sends spend this budget, shared through the store by every process (see limits.ts). */
  limits?: SendLimits;
  /** Required for live email; applied to dry runs too when given, so a preview matches the wire. */
  compliance?: Compliance;
  /**
   * 0 (default, "tick"): send what the budget allows now and return. More: wait for budget or for retries that
   * come due, up to this many ms in all, spacing sends by the rate with jitter.
   */
  maxWaitMs?: number;
  /** Asked between batches; true stops the drain. */
  shouldStop?: () => boolean;
  onBatch?: (done: SendTally) => void;
  /** Injectable for tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface SendTally {
  claimed: number;
  /** Live messages a server accepted: mail that left. */
  sent: number;
  /** Dry-run records: what would have gone, and nothing left. Never counted as sent. */
  simulated: number;
  failed: number;
  skipped: number;
  requeued: number;
  unknown: number;
  /** Why sending stopped short of the queue, when a limit did it. */
  limitedBy?: string | null;
  /** Rows of this mode still QUEUED at the end, and when the earliest may go (ISO), so no run ends "done" silently. */
  stillQueued?: number;
  nextSendAt?: string | null;
}

export async function sendQueued(db: Db, o: SendOptions = {}): Promise<SendTally> {
  const dryRun = o.dryRun ?? true;
  if (!dryRun && !o.transport) {
    throw new LiveSendRefused('live sending needs an SMTP transport: configure SMTP settings, or leave dry run on');
  }
  if (!dryRun && !o.compliance) {
    throw new LiveSendRefused(
      'live email needs an unsubscribe URL and the sender\'s postal address (CAN-SPAM): set LEADFLOW_UNSUBSCRIBE_URL, ' +
        'LEADFLOW_SECRET and SENDER_POSTAL_ADDRESS (or the matching flags/parameters)',
    );
  }
  const sender = o.sender ?? DRY_RUN_SENDER;
  const worker = o.worker ?? `${ownerId()}#send`;
  const clock = o.now ?? (() => new Date());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const batchSize = Math.max(1, o.batchSize ?? 500);
  const limits = dryRun ? undefined : o.limits;
  // Live: the mailboxes sending, the primary first (the others come from a mailboxes file or further credentials).
  const accounts: Account[] = dryRun ? [] : [{ sender, transport: o.transport! }];
  for (const m of o.mailboxes ?? []) if (!accounts.some((a) => a.sender.email.toLowerCase() === m.sender.email.toLowerCase())) accounts.push(m);
  const used = new Map<string, number>();
  // Before any live claim: a list that bounced past the configured threshold pauses every mailbox (limits.ts).
  if (limits) await db.transaction((t) => checkBounceRate(t, limits));
  const deadline = clock().getTime() + Math.max(0, o.maxWaitMs ?? 0);
  const tally: SendTally = { claimed: 0, sent: 0, simulated: 0, failed: 0, skipped: 0, requeued: 0, unknown: 0, limitedBy: null };
  // Rows a killed sender left mid-send: live ones become UNKNOWN (never re-sent on their own), dry ones go back.
  await reapDeadClaims(db, clock().toISOString());

  while (o.limit === undefined || tally.claimed < o.limit) {
    if (o.shouldStop?.()) break;
    let room = o.limit === undefined ? batchSize : Math.min(batchSize, o.limit - tally.claimed);
    // Live: claim no more than can be in flight, so a crash leaves at most that many rows UNKNOWN (rows claimed but
    // never attempted would otherwise become UNKNOWN too). Waiting mode spaces sends one at a time, like a person.
    if (!dryRun) room = Math.min(room, Math.max(1, o.concurrency ?? 3));
    if (limits && (o.maxWaitMs ?? 0) > 0) room = Math.min(room, 1);
    const now = clock();
    const scope = { dryRun, channels: o.channels, campaignId: o.campaignId, now: now.toISOString() };
    // When to look again if nothing was claimable now: the earliest a budget frees up or a claimable row comes due.
    let wakeAt: number | null = null;
    let claimedBy: Claimed | null = null;
    const batch = await db.transaction(async (t) => {
      if (dryRun) {
        const rows = await claim(t, { ...scope, limit: room, worker });
        if (!rows.length) wakeAt = await nextClaimable(t, scope);
        return rows;
      }
      const { lanes } = await mailboxLanes(t, accounts.map((a) => a.sender), now.getTime());
      // Each mailbox's budget now; the one with the most left goes first (ties: the one used least in this drain).
      const options: LaneOption[] = [];
      for (const [i, l] of lanes.entries()) {
        const own = laneLimits(limits, l.campaignCap);
        const b = own ? await budget(t, l.address, own, now.getTime()) : null;
        options.push({ lane: l, account: accounts[i], limits: own, budget: b, allowed: b ? b.allowed : Number.MAX_SAFE_INTEGER });
      }
      options.sort((x, y) => y.allowed - x.allowed || (used.get(x.lane.address) ?? 0) - (used.get(y.lane.address) ?? 0));
      const held: string[] = [];
      for (const opt of options) {
        const mine = { ...scope, mailbox: { address: opt.lane.address, campaigns: opt.lane.campaigns } };
        const take = Math.min(room, opt.allowed);
        if (take <= 0) {
          held.push(opt.budget!.limitedBy!);
          if (opt.budget!.nextAt !== null) wakeAt = Math.min(wakeAt ?? Infinity, opt.budget!.nextAt);
          continue;
        }
        const rows = await claim(t, { ...mine, limit: take, worker });
        if (!rows.length) {
          const next = await nextClaimable(t, mine);
          if (next !== null) wakeAt = Math.min(wakeAt ?? Infinity, next);
          continue;
        }
        if (opt.limits) await spend(t, opt.lane.address, rows.map((r) => r.id), now.getTime());
        // The budget held rows back only when it was what stopped the claim (a full claim at its room).
        if (opt.allowed < room && rows.length === take) tally.limitedBy = opt.budget!.limitedBy;
        used.set(opt.lane.address, (used.get(opt.lane.address) ?? 0) + rows.length);
        claimedBy = { ...opt.account, lane: opt.lane };
        return rows;
      }
      if (held.length) tally.limitedBy = [...new Set(held)].join('; ');
      return [];
    });
    if (batch.length === 0) {
      // Nothing claimable now: wait for a budget or the next claimable row, if the caller allows, else stop.
      if (wakeAt === null || wakeAt > deadline) break;
      await sleep(Math.max(10, wakeAt - clock().getTime()));
      continue;
    }
    tally.claimed += batch.length;
    const loaded = await loadBatch(db, batch, worker);
    const campaigns = await loadCampaigns(db);
    if (dryRun) {
      await db.transaction(async (t) => {
        // A dry run's record moves no lead to SENT: nothing reached anyone (a suppressed or failed one still moves).
        const at = now.toISOString();
        for (const row of batch) {
          const l = load(loaded, row);
          const outcome = 'state' in l ? l : await recordDryOn(t, campaigns, l, row, sender, now, o.compliance);
          count(tally, await settleRow(t, row, worker, outcome, at), true);
        }
      });
    } else {
      // Several messages in flight (one per SMTP session of the claiming mailbox); each is settled the moment its
      // answer comes back.
      const from = claimedBy!;
      let next = 0;
      const lane = async () => {
        while (next < batch.length) {
          const row = batch[next++];
          const loadedRow = load(loaded, row);
          // A campaign that writes in its recipients' hours: outside them the row waits, untried, for their next opening.
          const opening = 'state' in loadedRow ? null : closedUntil(campaigns, loadedRow.lead, now);
          if (opening !== null) {
            await db.transaction(async (t) => {
              if (await deferClaimed(t, row.id, worker, new Date(opening).toISOString(), clock().toISOString())) await refund(t, from.lane.address, row.id);
            });
            tally.requeued++;
            tally.limitedBy = "outside the recipients' hours";
            continue;
          }
          const outcome = await deliverLive(db, campaigns, loadedRow, row, from, now, o.compliance!, {
            maxRetries: o.maxRetries ?? DEFAULT_MAX_RETRIES,
            retryBaseMs: o.retryBaseMs ?? 60_000,
          }, o.verificationPolicy);
          const at = clock().toISOString();
          await db.transaction(async (t) => count(tally, await settleRow(t, row, worker, outcome, at), false));
        }
      };
      await Promise.all(Array.from({ length: Math.min(batch.length, Math.max(1, o.concurrency ?? 3)) }, lane));
      if (limits && limits.ratePerMinute > 0 && (o.maxWaitMs ?? 0) > 0) {
        const gap = (60_000 / limits.ratePerMinute) * (0.8 + Math.random() * 0.4);
        if (clock().getTime() + gap > deadline) break;
        await sleep(gap);
      }
    }
    o.onBatch?.({ ...tally });
  }
  const left = (await db.get(`SELECT count(*) AS n, min(next_attempt_at) AS next FROM sends WHERE state = 'QUEUED' AND dry_run = ?`, [dryRun ? 1 : 0]))!;
  tally.stillQueued = int(left[0], 'count(sends)');
  if (tally.stillQueued && !dryRun && !tally.limitedBy) tally.limitedBy = await unservedReason(db, accounts, clock());
  tally.nextSendAt = tally.stillQueued ? (textOrNull(left[1], 'min(sends.next_attempt_at)') ?? clock().toISOString()) : null;
  return tally;
}

/** A live mailbox: who it sends as, and through which transport. */
export interface Account {
  sender: Sender;
  transport: EmailTransport;
}

/** The mailbox that claimed a batch, with what it serves. */
type Claimed = Account & { lane: MailboxLane };

/** A mailbox a claim may go to, with its limits and its budget now. */
interface LaneOption {
  lane: MailboxLane;
  account: Account;
  limits: SendLimits | undefined;
  budget: Budget | null;
  allowed: number;
}

/** Why live rows wait that no mailbox here can take: campaigns without one of their mailboxes, threads on another. */
async function unservedReason(db: Db, accounts: readonly Account[], now: Date): Promise<string | null> {
  const { unserved } = await mailboxLanes(db, accounts.map((a) => a.sender), now.getTime());
  const here = accounts.map((a) => a.sender.email.toLowerCase());
  const elsewhere = (
    await db.all(
      `SELECT mailbox, count(*) FROM sends WHERE state = 'QUEUED' AND dry_run = 0 AND mailbox IS NOT NULL
         AND mailbox NOT IN ${inValues(db, 'text')} GROUP BY mailbox ORDER BY mailbox`,
      [JSON.stringify(here)],
    )
  ).map((r) => `${int(r[1], 'count(sends)')} queued on ${text(r[0], 'sends.mailbox')}, which has no SMTP account here`);
  const all = [...unserved, ...elsewhere];
  return all.length ? all.join('; ') : null;
}

/** Add one tally's counts to another (the limit and queue fields stay the target's). */
export function addTally(into: SendTally, t: SendTally): void {
  for (const k of ['claimed', 'sent', 'simulated', 'failed', 'skipped', 'requeued', 'unknown'] as const) into[k] += t[k];
}

function count(t: SendTally, s: Settlement['state'], dryRun: boolean): void {
  if (s === 'SENT' && dryRun) t.simulated++;
  else if (s === 'SENT') t.sent++;
  else if (s === 'FAILED') t.failed++;
  else if (s === 'SKIPPED') t.skipped++;
  else if (s === 'UNKNOWN') t.unknown++;
  else t.requeued++;
}

/** What sending reads of a lead and of its message: only what the gate, the record and the composer use. */
export type SendLead = Pick<StoredLead, 'id' | 'email' | 'firstName' | 'lastName' | 'linkedinUrl' | 'synthetic'> & {
  /** The lead's campaign: its sender's name is the From name (absent: the built-in demo, the configured sender). */
  campaignId?: number;
  /** The lead's time zone: a campaign's window may be in the recipient's hours. */
  timezone?: string;
};
export type SendMessage = MessageDraft;

type Loaded = DrySend;

/** What a send reads of its lead (`l`) and message (`m`), in a join; `sendingFromRow` turns a row into them. */
/** What sending reads of a lead (`l`) and of its message (`m`): the two row mappers every sending query shares. */
const SEND_LEADS = rowMapper<Required<SendLead>>({
  id: ['id', int],
  campaignId: ['campaign_id', int],
  timezone: ['timezone', text],
  email: ['email', text],
  firstName: ['first_name', text],
  lastName: ['last_name', text],
  linkedinUrl: ['linkedin_url', text],
  synthetic: ['synthetic', flag],
});
export const SEND_MESSAGES = rowMapper<SendMessage>({
  channel: ['channel', oneOf(CHANNELS)],
  variant: ['variant', oneOf(VARIANTS)],
  step: ['step', int],
  subject: ['subject', textOrNull],
  body: ['body', text],
});

/** The columns `sendingAt` reads, of a query joining leads `l` and messages `m`. */
export const SENDING_COLUMNS = `${SEND_LEADS.select('l')}, ${SEND_MESSAGES.select('m')}`;

/** The lead and message of a row that selected `SENDING_COLUMNS` at `offset`. */
export function sendingAt(cells: Cells, offset: number): DrySend {
  return { lead: SEND_LEADS.at(cells, offset), message: SEND_MESSAGES.at(cells, offset + SEND_LEADS.width) };
}

/** The leads and messages of a claimed batch, in one query rather than two per row. */
async function loadBatch(db: Db, batch: ClaimedSend[], worker: string): Promise<Map<number, Loaded>> {
  const out = new Map<number, Loaded>();
  if (batch.length === 0) return out;
  const rows = await db.all(
    `SELECT s.id, ${SENDING_COLUMNS}
     FROM sends s JOIN leads l ON l.id = s.lead_id JOIN messages m ON m.id = s.message_id
     WHERE s.id BETWEEN ? AND ? AND s.state = 'SENDING' AND s.claimed_by = ?`,
    [batch[0].id, batch[batch.length - 1].id, worker],
  );
  for (const r of rows) out.set(int(r[0], 'sends.id'), sendingAt(r, 1));
  return out;
}

function load(loaded: Map<number, Loaded>, row: ClaimedSend): Loaded | Settlement {
  return loaded.get(row.id) ?? { state: 'FAILED', error: 'the lead or its message is gone from the store' };
}

/** Why a loaded row may not go: `suppressed` is its address's suppression (see suppressions.ts), or null. */
function gate(l: Loaded, row: LedgerKey, suppressed: string | null): Extract<Settlement, { state: 'SKIPPED' }> | null {
  if (suppressed) return { state: 'SKIPPED', reason: 'suppressed', error: suppressed };
  if (row.channel === 'linkedin' && !l.lead.linkedinUrl) return { state: 'SKIPPED', reason: 'no_profile', error: 'the lead has no LinkedIn profile URL' };
  return null;
}

/**
 * The email for a lead from `sender` (its campaign's name already applied: `senderFor`): unsubscribe headers and the
 * footer with the postal address, when configured; `thread` the In-Reply-To/References of a later step.
 */
function composeFor(
  l: Loaded,
  sender: Sender,
  now: Date,
  compliance: Compliance | undefined,
  thread: Record<string, string>,
): { mail: OutgoingEmail; footer: string | null } {
  if (!compliance) return { mail: outgoingEmail({ lead: l.lead, message: l.message, sender, date: now, extraHeaders: thread }), footer: null };
  const url = unsubscribeUrl(compliance.unsubscribeBaseUrl, unsubscribeToken(l.lead, compliance.secret));
  const footer = `\n\n--\n${sender.name} · ${compliance.postalAddress.replace(/[\r\n]+/g, ', ')}\nUnsubscribe with one click: ${url}`;
  const mail = outgoingEmail({
    lead: l.lead,
    message: { ...l.message, body: l.message.body + footer },
    sender,
    date: now,
    extraHeaders: { ...thread, ...listUnsubscribeHeaders(url, compliance.unsubscribeMailto) },
  });
  return { mail, footer };
}

/** When a lead's campaign window opens next (epoch ms), or null when it is open now or the lead's campaign has none. */
function closedUntil(campaigns: ReadonlyMap<number, Campaign>, lead: SendLead, now: Date): number | null {
  if (lead.campaignId === undefined || lead.campaignId === DEMO_CAMPAIGN_ID) return null;
  const w = campaignWindowFor(campaignOf(campaigns, lead.campaignId), lead.timezone);
  return !w || windowOpen(w, now.getTime()) ? null : nextWindowOpening(w, now.getTime());
}

/**
 * Who an email of this campaign is from: the sending mailbox's address under the name the campaign gives that
 * mailbox, else the campaign sender's (its `fromName`, else its name). The built-in demo keeps the sender as it is.
 */
export async function campaignSender(db: Db, campaignId: number | undefined, sender: Sender): Promise<Sender> {
  return senderFor(campaignId === undefined || campaignId === DEMO_CAMPAIGN_ID ? undefined : campaignIn(await loadCampaigns(db), campaignId), sender);
}

/** `campaignSender` for a campaign in hand (undefined: the built-in demo, the sender as it is). */
function senderFor(campaign: Campaign | undefined, sender: Sender): Sender {
  if (!campaign || campaign.id === DEMO_CAMPAIGN_ID) return sender;
  const { spec } = campaign;
  const mailbox = spec.mailboxes?.find((m) => m.address === sender.email.toLowerCase());
  return { email: sender.email, name: mailbox?.name ?? spec.sender.fromName ?? spec.sender.name };
}

/** A lead's campaign among those a drain read (`loadCampaigns`); one created since is not there — a clear error. */
function campaignOf(campaigns: ReadonlyMap<number, Campaign>, id: number | undefined): Campaign | undefined {
  if (id === undefined) return undefined;
  const c = campaigns.get(id);
  if (!c) throw new LeadflowError('input', `campaign ${id} of a claimed row is not in the store`);
  return c;
}

/** LinkedIn is simulated in both modes (linkedin.ts); a dry run says so in the recorded response. */
function linkedinSent(l: Loaded, sender: Sender, prefix: string): Extract<Settlement, { state: 'SENT' }> {
  const dm = simulateLinkedInDm(l.lead.linkedinUrl, l.message.body);
  return { state: 'SENT', envelopeFrom: sender.email, envelopeTo: l.lead.linkedinUrl, rfcMessageId: null, headers: null, response: prefix + dm.response };
}

function recordDry(
  store: Store,
  campaigns: ReadonlyMap<number, Campaign>,
  l: Loaded,
  row: LedgerKey,
  sender: Sender,
  now: Date,
  checkSuppression: boolean,
  compliance?: Compliance,
): DryRunRecord['settlement'] {
  const blocked = gate(l, row, checkSuppression ? suppressionReason(store, l.lead.email) : null);
  if (blocked) return blocked;
  if (row.channel === 'linkedin') return linkedinSent(l, sender, 'dry-run: ');
  return dryRecord(composeFor(l, senderFor(campaignOf(campaigns, l.lead.campaignId), sender), now, compliance, threadHeaders(store, row.leadId, row.step, row.dryRun)));
}

/** `recordDry` for a claimed row on either database (the drain's dry run), with the campaigns it read. */
async function recordDryOn(
  db: Db,
  campaigns: ReadonlyMap<number, Campaign>,
  l: Loaded,
  row: LedgerKey,
  sender: Sender,
  now: Date,
  compliance?: Compliance,
): Promise<DryRunRecord['settlement']> {
  const blocked = gate(l, row, await suppressedNow(db, l.lead.email));
  if (blocked) return blocked;
  if (row.channel === 'linkedin') return linkedinSent(l, sender, 'dry-run: ');
  return dryRecord(composeFor(l, senderFor(campaignOf(campaigns, l.lead.campaignId), sender), now, compliance, await threadHeadersOn(db, row.leadId, row.step, row.dryRun)));
}

function dryRecord({ mail, footer }: { mail: OutgoingEmail; footer: string | null }): DryRunRecord['settlement'] {
  return {
    state: 'SENT',
    footer,
    envelopeFrom: mail.envelope.from,
    envelopeTo: mail.envelope.to,
    rfcMessageId: mail.headers['Message-ID'],
    headers: mail.headers,
    response: 'dry-run: recorded, not sent',
  };
}

async function deliverLive(
  db: Db,
  campaigns: ReadonlyMap<number, Campaign>,
  l: Loaded | Settlement,
  row: ClaimedSend,
  from: Claimed,
  now: Date,
  compliance: Compliance,
  retry: { maxRetries: number; retryBaseMs: number },
  policy?: VerificationPolicy,
): Promise<Settlement> {
  if ('state' in l) return l;
  // Checked after the claim, on the store every worker shares: an unsubscribe recorded a moment ago stops this send.
  const blocked = gate(l, row, await suppressedNow(db, l.lead.email));
  if (blocked) return blocked;
  if (l.lead.synthetic) return { state: 'SKIPPED', reason: 'synthetic', error: 'synthetic lead on a reserved domain: the live sender never mails it' };
  if (policy && row.channel === 'email' && row.step === 1) {
    const v = await verificationOn(db, l.lead.id);
    if (!verificationPolicyAllows(v?.verdict ?? null, policy)) {
      return {
        state: 'SKIPPED',
        reason: 'unverified',
        error: v ? `verification: ${v.verdict} (${v.reasons.join('; ')}); policy ${policy}` : `not verified yet (policy ${policy}): run \`leadflow verify\` first`,
      };
    }
  }
  if (row.channel === 'linkedin') return linkedinSent(l, from.sender, '');
  // A later step of a sequence answers the thread: In-Reply-To/References name the earlier steps' Message-IDs.
  const thread = await threadHeadersOn(db, row.leadId, row.step, row.dryRun);
  const { mail, footer } = composeFor(l, senderFor(campaignOf(campaigns, l.lead.campaignId), from.sender), now, compliance, thread);
  try {
    const { response } = await from.transport.deliver(mail);
    return { state: 'SENT', footer, envelopeFrom: mail.envelope.from, envelopeTo: mail.envelope.to, rfcMessageId: mail.headers['Message-ID'], headers: mail.headers, response };
  } catch (err) {
    const fault = err instanceof DeliveryError ? err : new DeliveryError('transient', (err as Error).message);
    if (fault.kind === 'permanent') return { state: 'FAILED', error: fault.message };
    if (fault.kind === 'ambiguous') return { state: 'UNKNOWN', error: fault.message };
    if (row.attempts > retry.maxRetries) {
      return { state: 'FAILED', error: `gave up after ${row.attempts} attempts; last: ${fault.message}` };
    }
    const next = new Date(now.getTime() + backoffMs(row.attempts, retry.retryBaseMs));
    return { state: 'QUEUED', error: fault.message, nextAttemptAt: next.toISOString() };
  }
}

/** Settle the ledger row, stamped `at`, and move the lead to match. */
async function settleRow(db: Db, row: ClaimedSend, worker: string, s: Settlement, at: string): Promise<Settlement['state']> {
  if (await settle(db, row.id, worker, s, at)) {
    const move = leadMoveFor(row.dryRun, s);
    if (move && !(move.unlessSentInMode && (await db.get(SENT_IN_MODE, [row.leadId, 'SENT', row.dryRun ? 1 : 0])))) {
      await moveLeadOn(db, row.leadId, move.status, at, move.reason);
    }
  }
  return s.state;
}

/**
 * How a settled send moves its lead, so the lead says what happened: SENT once a server took a live email (a dry
 * run's record moves nobody to SENT — it reached no one, and the lead stays MESSAGED, ready for a live send);
 * SUPPRESSED; FAILED when nothing of it was sent in this mode; and, live, back to MESSAGED with the reason while a send
 * waits for a retry or its outcome is UNKNOWN. The lifecycle decides from where each move may happen (a reply or a
 * bounce is never overwritten).
 */
function leadMoveFor(dryRun: boolean, s: Settlement): { status: LeadStatus; reason: string | null; unlessSentInMode: boolean } | null {
  if (s.state === 'SENT') return dryRun ? null : { status: 'SENT', reason: null, unlessSentInMode: false };
  if (s.state === 'SKIPPED') return s.reason === 'suppressed' ? { status: 'SUPPRESSED', reason: s.error, unlessSentInMode: false } : null;
  // A failure, a retry or an unknown outcome says nothing new of a lead something already reached in this mode.
  if (s.state === 'FAILED') return { status: 'FAILED', reason: s.error, unlessSentInMode: true };
  if (dryRun) return null;
  if (s.state === 'QUEUED') return { status: 'MESSAGED', reason: `live send waiting to retry at ${s.nextAttemptAt}: ${s.error}`, unlessSentInMode: true };
  return { status: 'MESSAGED', reason: `live send outcome UNKNOWN (${s.error}): check the mailbox, then \`leadflow sends retry-unknown\``, unlessSentInMode: true };
}

const SENT_IN_MODE = 'SELECT 1 FROM sends WHERE lead_id = ? AND state = ? AND dry_run = ? LIMIT 1';

function moveLead(store: Store, moves: LeadMoves, leadId: number, dryRun: boolean, s: Settlement): void {
  const move = leadMoveFor(dryRun, s);
  if (!move || (move.unlessSentInMode && store.stmt(SENT_IN_MODE).get(leadId, 'SENT', dryRun ? 1 : 0))) return;
  moves.set(leadId, move.status, move.reason);
}

/** A lead and one of its messages, as sending reads them: for a dry run in hand, its assigned variant on one channel. */
export interface DrySend {
  lead: SendLead;
  message: SendMessage;
}

/**
 * The dry-run path for messages already in memory (the send stage's batches): the same gate, record and lead moves
 * as `sendQueued`, with the ledger's enqueue → claim → settle written as one row each (`recordDryRun`). A
 * (lead, channel, step) already in the dry-run ledger is left alone and not counted. Leads move through `o.moves`
 * (written now by default). Call inside `store.tx`.
 */
/**
 * `recordDrySends` on either database, in the caller's transaction: what it reads (suppressions, campaigns, a later
 * step's thread) read once for the batch, the records written in a few multi-row statements.
 */
export async function recordDrySendsOn(
  db: Db,
  sends: readonly DrySend[],
  o: { sender?: Sender; compliance?: Compliance; now: Date; recorded?: DryRunRecord[] },
): Promise<SendTally> {
  const tally: SendTally = { claimed: 0, sent: 0, simulated: 0, failed: 0, skipped: 0, requeued: 0, unknown: 0 };
  const sender = o.sender ?? DRY_RUN_SENDER;
  const at = o.now.toISOString();
  const suppressed = await suppressedAmong(db, sends.map((l) => l.lead.email));
  const campaigns = await loadCampaigns(db);
  const records: DryRunRecord[] = [];
  for (const l of sends) {
    const key = { leadId: l.lead.id, channel: l.message.channel, step: l.message.step, dryRun: true };
    const blocked = gate(l, key, suppressed.get(l.lead.email.trim().toLowerCase()) ?? null);
    const settlement: DryRunRecord['settlement'] = blocked
      ? blocked
      : key.channel === 'linkedin'
        ? linkedinSent(l, sender, 'dry-run: ')
        : dryRecord(composeFor(l, senderFor(campaignOf(campaigns, l.lead.campaignId), sender), o.now, o.compliance, await threadHeadersOn(db, key.leadId, key.step, true)));
    records.push({ leadId: key.leadId, channel: key.channel, step: key.step, variant: l.message.variant, settlement });
  }
  for (const r of await recordDryRunOn(db, records, at)) {
    o.recorded?.push(r);
    tally.claimed++;
    count(tally, r.settlement.state, true);
    // A dry run moves only the leads it found suppressed (nothing reached anyone).
    const move = leadMoveFor(true, r.settlement);
    if (move) await moveLeadOn(db, r.leadId, move.status, at, move.reason);
  }
  return tally;
}

export function recordDrySends(
  store: Store,
  sends: readonly DrySend[],
  o: { sender?: Sender; compliance?: Compliance; now: Date; moves?: LeadMoves; recorded?: DryRunRecord[] },
): SendTally {
  const tally: SendTally = { claimed: 0, sent: 0, simulated: 0, failed: 0, skipped: 0, requeued: 0, unknown: 0 };
  const sender = o.sender ?? DRY_RUN_SENDER;
  const at = o.now.toISOString();
  const checkSuppression = hasSuppressions(store);
  const campaigns = loadCampaignsSync(store); // once a batch: each lead's sender is its campaign's
  const records = sends.map((l): DryRunRecord => {
    const key = { leadId: l.lead.id, channel: l.message.channel, step: l.message.step, dryRun: true };
    const settlement = recordDry(store, campaigns, l, key, sender, o.now, checkSuppression, o.compliance);
    return { leadId: key.leadId, channel: key.channel, step: key.step, variant: l.message.variant, settlement };
  });
  const moves = o.moves ?? movesNow(store, at);
  for (const r of recordDryRun(store, records, at)) {
    o.recorded?.push(r);
    tally.claimed++;
    count(tally, r.settlement.state, true);
    moveLead(store, moves, r.leadId, true, r.settlement);
  }
  return tally;
}
