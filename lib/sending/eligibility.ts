/**
 * Who is ready for which step: the one place that decides it, for every adapter and for the live preview alike (so
 * a preview names exactly what a send then takes). `planSend` decides step 1, `dueForStep` every later step.
 *
 * Ready, on a channel and in a mode: a lead with a drafted step-1 message in its assigned variant and no ledger row
 * of that mode for it yet — MESSAGED leads, and for a live send also SENT ones whose only send so far was a dry run.
 * Live rows already queued (by an n8n workflow, an earlier tick) and due come first, in the order the sender claims
 * them. A live plan leaves out synthetic leads (never mailed live) and suppressed addresses, and says how many; a
 * dry run plans them too and records them SKIPPED with the reason, as a dry run shows what would happen.
 */
import type { Channel, Variant } from '../types';
import { inValues, type Db } from '../store/db';
import { suppressedAmong } from '../store/suppressions';
import { SEND_MESSAGES, type DrySend } from './drain';
import { LEADS, type StoredLead } from '../store/leads';
import { int, text, textOrNull, type Cells } from '../store/rowMapper';

export interface PlanItem {
  leadId: number;
  email: string;
  name: string;
  company: string;
  variant: Variant;
  messageId: number;
  subject: string | null;
  /** True when the row was already in the ledger's queue. */
  alreadyQueued: boolean;
  /** The lead as the plan read it (before the send moves it). */
  lead: StoredLead;
  /** The lead and message as sending reads them: a dry run records from this without reading them again. */
  send: DrySend;
}

/** A named lead that is not in the plan, and why, for the adapter that named it (an n8n item). */
export interface Unplanned {
  leadId: number;
  reason: string;
}

export interface SendPlan {
  channel: Channel;
  dryRun: boolean;
  items: PlanItem[];
  /** Ready leads beyond the limit, left for a later send. */
  remaining: number;
  excluded: { synthetic: number; suppressed: number };
  /** Only when leads were named: those not planned, with the reason. */
  unplanned: Unplanned[];
}

export interface PlanRequest {
  channel: Channel;
  dryRun: boolean;
  /** Only these leads (an n8n item's, a confirmed preview's); otherwise every ready lead. */
  leadIds?: readonly number[];
  /** Only the leads of this campaign; otherwise those of every active campaign. */
  campaignId?: number;
  limit?: number;
  now?: Date;
}

/** Only leads of an active campaign are sent: a draft, paused or finished campaign's wait. */
const ACTIVE_CAMPAIGN = "AND l.campaign_id IN (SELECT id FROM campaigns WHERE state = 'active')";

/**
 * A plan's row: the whole lead (so an adapter can show it after the send without reading it again), the message as
 * sending reads it, and the message's id.
 */
const PLAN_COLUMNS = `${LEADS.select('l')}, ${SEND_MESSAGES.select('m')}, m.id`;

function planItem(row: Cells, alreadyQueued: boolean): PlanItem {
  const lead = LEADS.at(row, 0);
  const message = SEND_MESSAGES.at(row, LEADS.width);
  return {
    leadId: lead.id,
    email: lead.email,
    name: `${lead.firstName} ${lead.lastName}`.trim(),
    company: lead.company,
    variant: message.variant,
    messageId: int(row[LEADS.width + SEND_MESSAGES.width], 'messages.id'),
    subject: message.subject,
    alreadyQueued,
    lead,
    send: { lead, message },
  };
}

export async function planSend(db: Db, r: PlanRequest): Promise<SendPlan> {
  const limit = r.limit ?? Number.MAX_SAFE_INTEGER;
  const plan: SendPlan = { channel: r.channel, dryRun: r.dryRun, items: [], remaining: 0, excluded: { synthetic: 0, suppressed: 0 }, unplanned: [] };
  const named = r.leadIds ? JSON.stringify(r.leadIds) : null;
  const only = `${ACTIVE_CAMPAIGN} ${named ? `AND l.id IN ${inValues(db, 'int')}` : ''} ${r.campaignId !== undefined ? 'AND l.campaign_id = ?' : ''}`;
  const onlyParams = [...(named ? [named] : []), ...(r.campaignId !== undefined ? [r.campaignId] : [])];
  const mode = r.dryRun ? 1 : 0;
  const now = (r.now ?? new Date()).toISOString();
  const queued = await db.all(
    `SELECT ${PLAN_COLUMNS} FROM sends s JOIN leads l ON l.id = s.lead_id JOIN messages m ON m.id = s.message_id
     WHERE s.state = 'QUEUED' AND s.dry_run = ? AND s.channel = ? AND s.step = 1
       AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= ?) ${only}
     ORDER BY s.id`,
    [mode, r.channel, now, ...onlyParams],
  );
  const ready = await db.all(
    `SELECT ${PLAN_COLUMNS} FROM leads l
     JOIN messages m ON m.lead_id = l.id AND m.channel = ? AND m.step = 1 AND m.variant = l.variant
     WHERE (l.status = 'MESSAGED' OR (? = 0 AND l.status = 'SENT'))
       AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.lead_id = l.id AND s.channel = ? AND s.step = 1 AND s.dry_run = ?) ${only}
     ORDER BY l.id`,
    [r.channel, mode, r.channel, mode, ...onlyParams],
  );
  const take = (item: PlanItem) => {
    if (plan.items.length < limit) plan.items.push(item);
    else plan.remaining++;
  };
  const planned = new Set<number>();
  const readyItems = ready.map((row) => planItem(row, false));
  // A live plan leaves out what is suppressed now, read once for the batch (each send asks again after its claim).
  const suppressed = r.dryRun ? new Map<string, string>() : await suppressedAmong(db, readyItems.filter((i) => !i.send.lead.synthetic).map((i) => i.email));
  for (const row of queued) {
    const item = planItem(row, true);
    take(item);
    planned.add(item.leadId);
  }
  for (const item of readyItems) {
    planned.add(item.leadId);
    if (!r.dryRun && item.send.lead.synthetic) {
      plan.excluded.synthetic++;
      if (named) plan.unplanned.push({ leadId: item.leadId, reason: 'synthetic lead on a reserved domain: the live sender never mails it' });
      continue;
    }
    const why = suppressed.get(item.email.trim().toLowerCase());
    if (why) {
      plan.excluded.suppressed++;
      if (named) plan.unplanned.push({ leadId: item.leadId, reason: why });
      continue;
    }
    take(item);
  }
  if (r.leadIds) {
    const rest = r.leadIds.filter((id) => !planned.has(id));
    if (rest.length) plan.unplanned.push(...(await notReadyReasons(db, rest, r)));
  }
  return plan;
}

/**
 * Why each named lead is not ready, in words a user can act on — one read for all of them (an n8n run over items
 * already sent names thousands).
 */
async function notReadyReasons(db: Db, leadIds: readonly number[], r: PlanRequest): Promise<Unplanned[]> {
  const rows = await db.all(
    `SELECT j.value, l.status, m.id, s.state, c.name, c.state, l.campaign_id
     FROM ${inValues(db, 'int')} j
     LEFT JOIN leads l ON l.id = j.value
     LEFT JOIN campaigns c ON c.id = l.campaign_id
     LEFT JOIN messages m ON m.lead_id = l.id AND m.channel = ? AND m.step = 1 AND m.variant = l.variant
     LEFT JOIN sends s ON s.lead_id = l.id AND s.channel = ? AND s.step = 1 AND s.dry_run = ?`,
    [JSON.stringify(leadIds), r.channel, r.channel, r.dryRun ? 1 : 0],
  );
  return rows.map((row) => {
    const leadId = int(row[0], 'lead id');
    const status = textOrNull(row[1], 'leads.status');
    const sendState = textOrNull(row[3], 'sends.state');
    const campaign = textOrNull(row[4], 'campaigns.name');
    const campaignState = textOrNull(row[5], 'campaigns.state');
    let reason: string;
    if (status === null) reason = `no lead with id ${leadId} in the store ${db.location}`;
    else if (campaignState !== 'active') reason = `its campaign "${campaign ?? '?'}" is ${campaignState ?? 'gone'}: only an active campaign's leads are sent`;
    else if (r.campaignId !== undefined && int(row[6], 'leads.campaign_id') !== r.campaignId) reason = `lead ${leadId} belongs to campaign "${campaign ?? '?'}", not the one being sent`;
    else if (row[2] === null) reason = `lead ${leadId} (${status}) has no ${r.channel} message yet: personalize it first`;
    else if (sendState !== null) reason = `its ${r.dryRun ? 'dry-run' : 'live'} ${r.channel} send is already in the ledger (${sendState})`;
    else reason = `lead ${leadId} is ${status}: only MESSAGED leads${r.dryRun ? '' : ' (or SENT by a dry run)'} are sent`;
    return { leadId, reason };
  });
}

/** A lead whose previous step went out, ready for step N: what the follow-up is written from and timed by. */
export interface StepCandidate {
  leadId: number;
  /** When step N-1 was sent: step N is due a delay after it. */
  previousSentAt: string;
  /** Step N-1's body, the context a follow-up is written with. */
  previousBody: string;
  /** The mailbox step N-1 left from (live): the thread stays on it. */
  previousMailbox: string | null;
}

/**
 * Who is ready for step N (N >= 2) of an email sequence, in one query: step N-1 was SENT in this mode, the lead has
 * not replied, bounced, been suppressed or failed since, and step N is not in the ledger yet. When it is due is the
 * sequence's business (its delay after `previousSentAt`).
 */
export async function dueForStep(db: Db, r: { step: number; dryRun: boolean; campaignId?: number }): Promise<StepCandidate[]> {
  if (!Number.isInteger(r.step) || r.step < 2) throw new RangeError(`dueForStep decides steps 2 and later, not ${r.step}: planSend decides step 1`);
  const mode = r.dryRun ? 1 : 0;
  const rows = await db.all(
    `SELECT s.lead_id, s.sent_at, m.body, s.mailbox FROM sends s JOIN leads l ON l.id = s.lead_id JOIN messages m ON m.id = s.message_id
       WHERE s.channel = 'email' AND s.step = ? AND s.dry_run = ? AND s.state = 'SENT'
         AND l.status NOT IN ('REPLIED', 'BOUNCED', 'SUPPRESSED', 'FAILED')
         AND NOT EXISTS (SELECT 1 FROM sends n WHERE n.lead_id = s.lead_id AND n.channel = 'email' AND n.step = ? AND n.dry_run = ?)
         ${r.campaignId === undefined ? '' : 'AND l.campaign_id = ?'}
       ORDER BY s.id`,
    [r.step - 1, mode, r.step, mode, ...(r.campaignId === undefined ? [] : [r.campaignId])],
  );
  return rows.map((row) => ({
    leadId: int(row[0], 'sends.lead_id'),
    previousSentAt: text(row[1], 'sends.sent_at'),
    previousBody: text(row[2], 'messages.body'),
    previousMailbox: textOrNull(row[3], 'sends.mailbox'),
  }));
}
