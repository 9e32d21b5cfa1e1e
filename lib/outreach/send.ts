/**
 * `sendQueued`: drain due rows of the ledger through a transport — the one path every adapter sends through.
 *
 * Per row: claim (atomic) → re-check suppression → deliver (or record, in a dry run) → settle. A dry run composes
 * no MIME: it stores the record (envelope, headers) that `composeMime` turns into the exact bytes on demand.
 * Live sends are settled one by one, right after the transport answers; dry-run settlements commit per batch.
 */
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { leadFromRow, advanceLeadStatus, setLeadStatus, type StoredLead } from '../store/leads';
import { messageFromRow, type StoredMessage } from '../store/messages';
import { suppressionReason, hasSuppressions } from '../store/suppressions';
import { claim, settle, type ClaimedSend, type Settlement } from './ledger';
import { outgoingEmail, DRY_RUN_SENDER, type OutgoingEmail, type Sender } from './outgoing';
import { simulateLinkedInDm } from './linkedin';
import { ownerId } from '../store/owner';
import { DeliveryError, backoffMs } from './faults';

/** Delivers one composed email. Resolves with the server's answer; rejects with an error carrying `settlement`. */
export interface EmailTransport {
  deliver(mail: OutgoingEmail): Promise<{ response: string }>;
}

export class LiveSendRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveSendRefused';
  }
}

export interface SendOptions {
  /** Default true: record what would be sent, send nothing. */
  dryRun?: boolean;
  channels?: Channel[];
  /** Stop after this many claimed rows (default: all that are due). */
  limit?: number;
  batchSize?: number;
  sender?: Sender;
  /** Required when dryRun is false. */
  transport?: EmailTransport;
  /** Claim holder id; defaults to this process. */
  worker?: string;
  now?: () => Date;
  /** Transient faults are retried this many times after the first attempt, then FAILED (default 2). */
  maxRetries?: number;
  /** Base of the exponential backoff between retries (ms, default 60 s). */
  retryBaseMs?: number;
  /** Asked between batches; true stops the drain. */
  shouldStop?: () => boolean;
  onBatch?: (done: SendTally) => void;
}

export interface SendTally {
  claimed: number;
  sent: number;
  failed: number;
  skipped: number;
  requeued: number;
  unknown: number;
}

export async function sendQueued(store: Store, o: SendOptions = {}): Promise<SendTally> {
  const dryRun = o.dryRun ?? true;
  if (!dryRun && !o.transport) {
    throw new LiveSendRefused('live sending needs an SMTP transport: configure SMTP settings, or leave dry run on');
  }
  const sender = o.sender ?? DRY_RUN_SENDER;
  const worker = o.worker ?? `${ownerId()}#send`;
  const clock = o.now ?? (() => new Date());
  const batchSize = Math.max(1, o.batchSize ?? 500);
  const tally: SendTally = { claimed: 0, sent: 0, failed: 0, skipped: 0, requeued: 0, unknown: 0 };

  while (o.limit === undefined || tally.claimed < o.limit) {
    if (o.shouldStop?.()) break;
    const room = o.limit === undefined ? batchSize : Math.min(batchSize, o.limit - tally.claimed);
    const now = clock();
    const batch = claim(store, { dryRun, channels: o.channels, limit: room, worker, now: now.toISOString() });
    if (batch.length === 0) break;
    tally.claimed += batch.length;
    const checkSuppression = hasSuppressions(store);
    const loaded = loadBatch(store, batch, worker);
    if (dryRun) {
      store.tx(() => {
        const sentLeads = new Set<number>();
        for (const row of batch) {
          const outcome = recordDry(store, load(loaded, row), row, sender, now, checkSuppression);
          count(tally, settleRow(store, row, worker, outcome, now, sentLeads));
        }
      });
    } else {
      for (const row of batch) {
        const outcome = await deliverLive(store, load(loaded, row), row, sender, now, o.transport!, {
          maxRetries: o.maxRetries ?? 2,
          retryBaseMs: o.retryBaseMs ?? 60_000,
        });
        store.tx(() => count(tally, settleRow(store, row, worker, outcome, clock())));
      }
    }
    o.onBatch?.({ ...tally });
  }
  return tally;
}

function count(t: SendTally, s: Settlement['state']): void {
  if (s === 'SENT') t.sent++;
  else if (s === 'FAILED') t.failed++;
  else if (s === 'SKIPPED') t.skipped++;
  else if (s === 'UNKNOWN') t.unknown++;
  else t.requeued++;
}

interface Loaded {
  lead: StoredLead;
  message: StoredMessage;
}

/** The leads and messages of a claimed batch, in one query rather than two per row. */
function loadBatch(store: Store, batch: ClaimedSend[], worker: string): Map<number, Loaded> {
  const out = new Map<number, Loaded>();
  if (batch.length === 0) return out;
  const rows = store
    .stmt(
      `SELECT s.id AS send_id, m.id AS m_id, m.lead_id AS m_lead_id, m.channel AS m_channel, m.variant AS m_variant,
              m.step AS m_step, m.subject AS m_subject, m.body AS m_body, m.word_count AS m_word_count,
              m.source AS m_source, m.created_at AS m_created_at, l.*
       FROM sends s JOIN leads l ON l.id = s.lead_id JOIN messages m ON m.id = s.message_id
       WHERE s.id BETWEEN ? AND ? AND s.state = 'SENDING' AND s.claimed_by = ?`,
    )
    .all(batch[0].id, batch[batch.length - 1].id, worker);
  for (const r of rows) {
    out.set(r.send_id as number, {
      lead: leadFromRow(r),
      message: messageFromRow({
        id: r.m_id, lead_id: r.m_lead_id, channel: r.m_channel, variant: r.m_variant, step: r.m_step, subject: r.m_subject,
        body: r.m_body, word_count: r.m_word_count, source: r.m_source, created_at: r.m_created_at,
      }),
    });
  }
  return out;
}

function load(loaded: Map<number, Loaded>, row: ClaimedSend): Loaded | Settlement {
  return loaded.get(row.id) ?? { state: 'FAILED', error: 'the lead or its message is gone from the store' };
}

function gate(store: Store, l: Loaded, row: ClaimedSend, checkSuppression: boolean): Settlement | null {
  if (checkSuppression) {
    const why = suppressionReason(store, l.lead.email);
    if (why) return { state: 'SKIPPED', error: why };
  }
  if (row.channel === 'linkedin' && !l.lead.linkedinUrl) return { state: 'SKIPPED', error: 'the lead has no LinkedIn profile URL' };
  return null;
}

function recordDry(store: Store, l: Loaded | Settlement, row: ClaimedSend, sender: Sender, now: Date, checkSuppression: boolean): Settlement {
  if ('state' in l) return l;
  const blocked = gate(store, l, row, checkSuppression);
  if (blocked) return blocked;
  if (row.channel === 'linkedin') {
    const dm = simulateLinkedInDm(l.lead.linkedinUrl, l.message.body);
    return { state: 'SENT', envelopeFrom: sender.email, envelopeTo: l.lead.linkedinUrl, rfcMessageId: null, headers: null, response: `dry-run: ${dm.response}` };
  }
  const mail = outgoingEmail({ lead: l.lead, message: l.message, sender, date: now });
  return {
    state: 'SENT',
    envelopeFrom: mail.envelope.from,
    envelopeTo: mail.envelope.to,
    rfcMessageId: mail.headers['Message-ID'],
    headers: mail.headers,
    response: 'dry-run: recorded, not sent',
  };
}

async function deliverLive(
  store: Store,
  l: Loaded | Settlement,
  row: ClaimedSend,
  sender: Sender,
  now: Date,
  transport: EmailTransport,
  retry: { maxRetries: number; retryBaseMs: number },
): Promise<Settlement> {
  if ('state' in l) return l;
  const blocked = gate(store, l, row, true);
  if (blocked) return blocked;
  if (l.lead.synthetic) return { state: 'SKIPPED', error: 'synthetic lead on a reserved domain: the live sender never mails it' };
  if (row.channel === 'linkedin') {
    const dm = simulateLinkedInDm(l.lead.linkedinUrl, l.message.body);
    return { state: 'SENT', envelopeFrom: sender.email, envelopeTo: l.lead.linkedinUrl, rfcMessageId: null, headers: null, response: dm.response };
  }
  const mail = outgoingEmail({ lead: l.lead, message: l.message, sender, date: now });
  try {
    const { response } = await transport.deliver(mail);
    return { state: 'SENT', envelopeFrom: mail.envelope.from, envelopeTo: mail.envelope.to, rfcMessageId: mail.headers['Message-ID'], headers: mail.headers, response };
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

/** Settle the ledger row and move the lead to match. */
function settleRow(store: Store, row: ClaimedSend, worker: string, s: Settlement, now: Date, sentLeads?: Set<number>): Settlement['state'] {
  const at = now.toISOString();
  if (!settle(store, row.id, worker, s, at)) return s.state;
  if (s.state === 'SENT') {
    // A lead sent on two channels in one batch moves once.
    if (!sentLeads?.has(row.leadId)) advanceLeadStatus(store, row.leadId, 'MESSAGED', 'SENT', at);
    sentLeads?.add(row.leadId);
  } else if (s.state === 'SKIPPED' && s.error.includes('suppressed')) {
    setLeadStatus(store, row.leadId, 'SUPPRESSED', at, s.error);
  } else if (s.state === 'FAILED') {
    const anySent = store.stmt("SELECT 1 FROM sends WHERE lead_id = ? AND state = 'SENT' LIMIT 1").get(row.leadId);
    if (!anySent) setLeadStatus(store, row.leadId, 'FAILED', at, s.error);
  }
  return s.state;
}
