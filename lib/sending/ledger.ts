/**
 * The send ledger (DESIGN.md): one row per (lead, channel, step, mode), and the only way anything is sent. It runs on
 * either database (`Db`): on PostgreSQL a claim locks the rows it takes and skips those another worker holds, so
 * workers on several hosts never claim one row.
 *
 *   enqueue  → QUEUED                       (idempotent: the UNIQUE key absorbs repeats)
 *   claim    → QUEUED → SENDING             (BEGIN IMMEDIATE / FOR UPDATE SKIP LOCKED: never two claimers of a row)
 *   settle   → SENT | FAILED | SKIPPED | QUEUED (retry later)
 *   recover  → SENDING of a dead worker (or past the claim lease) → UNKNOWN (live: never re-sent on its own) or
 *              QUEUED (dry run: nothing left)
 *   record   → a dry run's enqueue → claim → settle in one insert (see recordDryRun)
 *   postpone → QUEUED rows of a lead wait until a date (an out-of-office reply)
 *   cancel   → QUEUED → SKIPPED for a lead, or for everyone else at its company (a reply, a bounce, an unsubscribe)
 *   retry    → UNKNOWN → QUEUED, only when a person has checked the message did not arrive
 * No other module writes the `sends` table.
 */
import { CHANNELS, type Channel, type Variant } from '../types';
import type { Store } from '../store/store';
import { greatest, inValues, skipLocked, type Db } from '../store/db';
import { isOwnerAlive } from '../store/owner';
import { insertRows, insertRowsOn, type MultiRowInsert } from '../store/multiRow';
import { groupTallies, readTallies, sumTallies } from '../store/tallies';
import { flag, int, jsonOf, oneOf, rowMapper, text, textOrNull } from '../store/rowMapper';
import type { SqlValue } from '../store/store';
import type { OutgoingEmail } from './compose';

export type SendState = 'QUEUED' | 'SENDING' | 'SENT' | 'FAILED' | 'UNKNOWN' | 'SKIPPED';
export const SEND_STATES: SendState[] = ['QUEUED', 'SENDING', 'SENT', 'FAILED', 'UNKNOWN', 'SKIPPED'];

// The sends table's row mappers: each reads the columns one use of a ledger row needs (a row's recorded headers are
// most of its bytes, and the claim reads none of them). The lead's detail has its own (lib/leads/detail.ts).
const channelOf = oneOf(CHANNELS);
const stateOf = oneOf(SEND_STATES);

export interface LedgerKey {
  leadId: number;
  channel: Channel;
  step: number;
  dryRun: boolean;
}

/**
 * Queue a send, due now or at `dueAt` (a follow-up's day); returns false when the (lead, channel, step, mode) row
 * already exists, whatever its state.
 */
export async function enqueue(db: Db, key: LedgerKey, messageId: number, now: string, dueAt: string | null = null, mailbox: string | null = null): Promise<boolean> {
  const changed = await db.run(
    `INSERT INTO sends (lead_id, channel, step, dry_run, message_id, state, next_attempt_at, created_at, updated_at, mailbox)
     VALUES (?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [key.leadId, key.channel, key.step, key.dryRun ? 1 : 0, messageId, dueAt, now, now, mailbox],
  );
  return changed === 1;
}

export interface ClaimedSend {
  id: number;
  leadId: number;
  channel: Channel;
  step: number;
  dryRun: boolean;
  messageId: number;
  attempts: number;
}

export interface ClaimOptions {
  dryRun: boolean;
  channels?: Channel[];
  /** Only this campaign's rows (its id); otherwise those of every active campaign. */
  campaignId?: number;
  /**
   * Live: the mailbox claiming. It takes the rows already on it (a thread's later steps, retries) and rows on no
   * mailbox yet of the campaigns it serves (`campaigns`, ids), and the latter become its own.
   */
  mailbox?: { address: string; campaigns: readonly number[] };
  limit: number;
  /** Who holds the claim: `pid@host#run`, so a crashed holder can be recognised. */
  worker: string;
  now: string;
}

/** A claimed row, as the claim's UPDATE … RETURNING gives it back. */
export const CLAIMED_SENDS = rowMapper<ClaimedSend>({
  id: ['id', int],
  leadId: ['lead_id', int],
  channel: ['channel', channelOf],
  step: ['step', int],
  dryRun: ['dry_run', flag],
  messageId: ['message_id', int],
  attempts: ['attempts', int],
});

/** Which queued rows `o` may claim, due or not: the WHERE both `claim` and `nextClaimable` use, and its values. */
function claimable(o: Omit<ClaimOptions, 'limit' | 'worker' | 'now'>): { where: string; values: SqlValue[] } {
  const channels = o.channels?.length ? o.channels : ['email', 'linkedin'];
  const values: SqlValue[] = [o.dryRun ? 1 : 0, ...channels];
  let where = `state = 'QUEUED' AND dry_run = ? AND channel IN (${channels.map(() => '?').join(', ')})
    AND EXISTS (SELECT 1 FROM leads l JOIN campaigns c ON c.id = l.campaign_id
                WHERE l.id = sends.lead_id AND c.state = 'active' ${o.campaignId === undefined ? '' : 'AND c.id = ?'})`;
  if (o.campaignId !== undefined) values.push(o.campaignId);
  if (o.mailbox) {
    const marks = o.mailbox.campaigns.map(() => '?').join(', ');
    where += ` AND (mailbox = ? ${marks ? `OR (mailbox IS NULL AND (SELECT campaign_id FROM leads WHERE id = sends.lead_id) IN (${marks}))` : ''})`;
    values.push(o.mailbox.address, ...o.mailbox.campaigns);
  }
  return { where, values };
}

/**
 * Claim up to `limit` due rows of active campaigns (or of one) for this worker, atomically: one UPDATE … RETURNING
 * (under BEGIN IMMEDIATE in SQLite; in PostgreSQL its inner SELECT locks the rows it picks and skips rows another
 * worker holds). A paused campaign's queued rows wait in the queue. With a mailbox, the rows it takes are stamped with
 * it (a row keeps the mailbox it was first claimed by).
 */
export async function claim(db: Db, o: ClaimOptions): Promise<ClaimedSend[]> {
  const { where, values } = claimable(o);
  const rows = await db.transaction((t) =>
    t.all(
      `UPDATE sends SET state = 'SENDING', claimed_by = ?, claimed_at = ?, attempts = attempts + 1, updated_at = ?${o.mailbox ? ', mailbox = coalesce(mailbox, ?)' : ''}
       WHERE id IN (
         SELECT id FROM sends WHERE ${where} AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
         ORDER BY id LIMIT ?${skipLocked(t)})
       RETURNING ${CLAIMED_SENDS.columns}`,
      [o.worker, o.now, o.now, ...(o.mailbox ? [o.mailbox.address] : []), ...values, o.now, o.limit],
    ),
  );
  return rows.map((r) => CLAIMED_SENDS.from(r)).sort((a, b) => a.id - b.id);
}

/** When the earliest row `o` could claim comes due after `now` (epoch ms), or null when it has none waiting. */
export async function nextClaimable(db: Db, o: Omit<ClaimOptions, 'limit' | 'worker'>): Promise<number | null> {
  const { where, values } = claimable(o);
  const r = (await db.get(`SELECT min(next_attempt_at) FROM sends WHERE ${where} AND next_attempt_at > ?`, [...values, o.now]))!;
  const next = textOrNull(r[0], 'min(sends.next_attempt_at)');
  return next ? Date.parse(next) : null;
}

/**
 * Put a claimed row back in the queue untried, due at `dueAt` (its recipient's window opens then): the claim's
 * attempt is not counted. Only a row still SENDING under this worker's claim is changed.
 */
export async function deferClaimed(db: Db, id: number, worker: string, dueAt: string, now: string): Promise<boolean> {
  const changed = await db.run(
    `UPDATE sends SET state = 'QUEUED', claimed_by = NULL, attempts = ${greatest(db, '0', 'attempts - 1')}, next_attempt_at = ?, updated_at = ?,
       mailbox = CASE WHEN step = 1 THEN NULL ELSE mailbox END
     WHERE id = ? AND state = 'SENDING' AND claimed_by = ?`,
    [dueAt, now, id, worker],
  );
  return changed === 1;
}

/** Why a send was skipped — typed, so what follows (a lead SUPPRESSED, a count) never depends on the wording. */
export type SkipReason = 'suppressed' | 'synthetic' | 'unverified' | 'no_profile';

export type Settlement =
  | {
      state: 'SENT';
      envelopeFrom: string;
      envelopeTo: string;
      rfcMessageId: string | null;
      headers: Record<string, string> | null;
      response: string;
      /** Text appended to the stored message on the wire (compliance footer), if any. */
      footer?: string | null;
    }
  | { state: 'FAILED'; error: string }
  /** Not sent, and never will be on its own: `reason` says which rule held it, `error` says it in words. */
  | { state: 'SKIPPED'; reason: SkipReason; error: string }
  | { state: 'UNKNOWN'; error: string }
  | { state: 'QUEUED'; error: string; nextAttemptAt: string };

/** Record how a claimed send ended. Only a row still SENDING under this worker's claim is changed. */
export async function settle(db: Db, id: number, worker: string, s: Settlement, now: string): Promise<boolean> {
  if (s.state === 'SENT') {
    const changed = await db.run(
      `UPDATE sends SET state = 'SENT', envelope_from = ?, envelope_to = ?, rfc_message_id = ?, headers = ?,
         response = ?, footer = ?, error = NULL, sent_at = ?, claimed_by = NULL, updated_at = ?
       WHERE id = ? AND state = 'SENDING' AND claimed_by = ?`,
      [s.envelopeFrom, s.envelopeTo, s.rfcMessageId, s.headers ? JSON.stringify(s.headers) : null, s.response, s.footer ?? null, now, now, id, worker],
    );
    return changed === 1;
  }
  const changed = await db.run(
    // A first email that goes back to the queue unsent leaves its mailbox free: no thread holds it there yet.
    `UPDATE sends SET state = ?, error = ?, next_attempt_at = ?, claimed_by = NULL, updated_at = ?,
       mailbox = CASE WHEN ? = 1 AND step = 1 THEN NULL ELSE mailbox END
     WHERE id = ? AND state = 'SENDING' AND claimed_by = ?`,
    [s.state, s.error, s.state === 'QUEUED' ? s.nextAttemptAt : null, now, s.state === 'QUEUED' ? 1 : 0, id, worker],
  );
  return changed === 1;
}

/** A dry-run row's whole passage, decided before it is written: its key, its message's variant and how it settled. */
export interface DryRunRecord {
  leadId: number;
  channel: Channel;
  step: number;
  /** The message sent is the lead's stored message of this variant on this channel and step. */
  variant: Variant;
  settlement: Extract<Settlement, { state: 'SENT' | 'SKIPPED' }>;
}

const RECORD_ROWS: MultiRowInsert = {
  head: `INSERT INTO sends (lead_id, channel, step, dry_run, message_id, state, attempts, claimed_at, envelope_from,
    envelope_to, rfc_message_id, headers, response, footer, error, sent_at, created_at, updated_at)`,
  row: `(?, ?, ?, 1, (SELECT id FROM messages WHERE lead_id = ? AND channel = ? AND step = ? AND variant = ?),
    ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  tail: 'ON CONFLICT DO NOTHING',
  width: 19,
};

/**
 * A dry run's enqueue → claim → settle, as one insert per row, for records made inside the caller's `BEGIN IMMEDIATE`
 * transaction. Nothing leaves the process in a dry run, so no other process could ever see such a row QUEUED or
 * SENDING: it is written once, in the state `settle` would have left it (attempts 1, claimed and settled at `now`).
 * The UNIQUE key still rules — a (lead, channel, step) already in the dry-run ledger, in any state, is left as it is.
 * Returns the records that were written.
 */
export function recordDryRun(store: Store, records: readonly DryRunRecord[], now: string): readonly DryRunRecord[] {
  if (records.length === 0) return [];
  // One range read finds the rows already there (none, for leads that reached the stage just now).
  const [first, last] = leadRange(records);
  const fresh = freshRecords(records, store.rows(DRY_ROWS_THERE).all(first, last));
  insertRows(store, RECORD_ROWS, recordParams(fresh, now));
  return fresh;
}

/** `recordDryRun` on either database, in the caller's transaction. */
export async function recordDryRunOn(db: Db, records: readonly DryRunRecord[], now: string): Promise<readonly DryRunRecord[]> {
  if (records.length === 0) return [];
  const [first, last] = leadRange(records);
  const fresh = freshRecords(records, await db.all(DRY_ROWS_THERE, [first, last]));
  await insertRowsOn(db, RECORD_ROWS, recordParams(fresh, now));
  return fresh;
}

const DRY_ROWS_THERE = 'SELECT lead_id, channel, step FROM sends WHERE lead_id BETWEEN ? AND ? AND dry_run = 1';

function leadRange(records: readonly DryRunRecord[]): [number, number] {
  let first = records[0].leadId;
  let last = first;
  for (const r of records) {
    if (r.leadId < first) first = r.leadId;
    if (r.leadId > last) last = r.leadId;
  }
  return [first, last];
}

/** The records whose (lead, channel, step) has no dry-run row among `there` (rows of DRY_ROWS_THERE). */
function freshRecords(records: readonly DryRunRecord[], there: SqlValue[][]): readonly DryRunRecord[] {
  // (Nothing to filter out when none is there: no key string per record then.)
  if (there.length === 0) return records;
  const key = (leadId: number, channel: string, step: number) => `${leadId}|${channel}|${step}`;
  const taken = new Set(there.map((r) => key(int(r[0], 'sends.lead_id'), text(r[1], 'sends.channel'), int(r[2], 'sends.step'))));
  return records.filter((r) => !taken.has(key(r.leadId, r.channel, r.step)));
}

function recordParams(fresh: readonly DryRunRecord[], now: string): SqlValue[] {
  const params: SqlValue[] = [];
  for (const r of fresh) {
    const s = r.settlement;
    const sent = s.state === 'SENT';
    params.push(
      r.leadId, r.channel, r.step,
      r.leadId, r.channel, r.step, r.variant,
      s.state, now,
      sent ? s.envelopeFrom : null,
      sent ? s.envelopeTo : null,
      sent ? s.rfcMessageId : null,
      sent && s.headers ? JSON.stringify(s.headers) : null,
      sent ? s.response : null,
      sent ? (s.footer ?? null) : null,
      sent ? null : s.error,
      sent ? now : null,
      now, now,
    );
  }
  return params;
}

/**
 * Rows left SENDING by a worker that is gone. A live one may or may not have reached the server, so it becomes
 * UNKNOWN and waits for a person; a dry-run one sent nothing and simply goes back to the queue.
 */
export async function recoverAbandoned(db: Db, deadWorkers: string[], now: string): Promise<{ unknown: number; requeued: number }> {
  let unknown = 0;
  let requeued = 0;
  if (deadWorkers.length === 0) return { unknown, requeued };
  await db.transaction(async (t) => {
    for (const w of deadWorkers) {
      requeued += await t.run(
        `UPDATE sends SET state = 'QUEUED', claimed_by = NULL, updated_at = ?
         WHERE state = 'SENDING' AND claimed_by = ? AND dry_run = 1`,
        [now, w],
      );
      unknown += await t.run(
        `UPDATE sends SET state = 'UNKNOWN', error = 'the sending process stopped mid-send; it may or may not have been delivered', updated_at = ?
         WHERE state = 'SENDING' AND claimed_by = ? AND dry_run = 0`,
        [now, w],
      );
    }
  });
  return { unknown, requeued };
}

/** Workers that hold SENDING rows right now. */
export async function workersHoldingClaims(db: Db): Promise<string[]> {
  const rows = await db.all("SELECT DISTINCT claimed_by FROM sends WHERE state = 'SENDING' AND claimed_by IS NOT NULL");
  return rows.map((r) => text(r[0], 'sends.claimed_by'));
}

/**
 * The ledger by state, of the whole store or of one campaign's leads: `byState` counts live rows (a SENT there is
 * mail that left), `dryRunByState` the dry run's records (its SENT means "recorded": nothing left). Read from the
 * tallies (lib/store/tallies.ts): a few rows, whatever the ledger's size.
 */
export function countSendsByState(store: Store, campaignId?: number): LedgerCounts {
  return ledgerCounts(readTallies(store, campaignId));
}

export interface LedgerCounts {
  byState: Record<string, number>;
  dryRunByState: Record<string, number>;
  dryRun: number;
  live: number;
}

/** `countSendsByState` from tallies already read (`readTallies`), for a reader that needs other figures of them too. */
export function ledgerCounts(tallies: ReadonlyMap<string, number>): LedgerCounts {
  const byState = Object.fromEntries(groupTallies(tallies, 1, 'send', undefined, 0));
  const dryRunByState = Object.fromEntries(groupTallies(tallies, 1, 'send', undefined, 1));
  for (const state of Object.keys({ ...byState, ...dryRunByState })) stateOf(state, 'tallies: send state');
  return { byState, dryRunByState, dryRun: sumTallies(tallies, 'send', undefined, 1), live: sumTallies(tallies, 'send', undefined, 0) };
}

/** Cancel every send still waiting for this lead (QUEUED → SKIPPED with the reason). Returns how many. */
export function cancelQueuedSends(db: Db, leadId: number, reason: string, now: string): Promise<number> {
  return db.run("UPDATE sends SET state = 'SKIPPED', error = ?, updated_at = ? WHERE lead_id = ? AND state = 'QUEUED'", [reason, now, leadId]);
}

/** Cancel the queued sends of everyone else at `companyDomain` (a colleague replied). Returns how many. */
export function cancelCompanySends(db: Db, companyDomain: string, exceptLeadId: number, reason: string, now: string): Promise<number> {
  return db.run(
    `UPDATE sends SET state = 'SKIPPED', error = ?, updated_at = ?
     WHERE state = 'QUEUED' AND lead_id IN (SELECT id FROM leads WHERE company_domain = ? AND id != ?)`,
    [reason, now, companyDomain, exceptLeadId],
  );
}

/** Hold a lead's queued sends until `until` (ISO) — an out-of-office reply. Rows already due later stay. */
export function postponeQueuedSends(db: Db, leadId: number, until: string, now: string): Promise<number> {
  return db.run(
    "UPDATE sends SET next_attempt_at = ?, updated_at = ? WHERE lead_id = ? AND state = 'QUEUED' AND (next_attempt_at IS NULL OR next_attempt_at < ?)",
    [until, now, leadId, until],
  );
}

/**
 * Put UNKNOWN rows back in the queue — `ids`, or every one with 'all' — after a person checked that the message did
 * not arrive (a double send is worse than a missed one). Returns how many went back.
 */
export function retryUnknownSends(db: Db, which: readonly number[] | 'all', now: string): Promise<number> {
  const retry = "UPDATE sends SET state = 'QUEUED', next_attempt_at = NULL, error = 'retried by hand after UNKNOWN', updated_at = ? WHERE state = 'UNKNOWN'";
  return which === 'all' ? db.run(retry, [now]) : db.run(`${retry} AND id IN ${inValues(db, 'int')}`, [now, JSON.stringify(which)]);
}

export interface LedgerRow {
  id: number;
  leadId: number;
  email: string;
  channel: Channel;
  step: number;
  dryRun: boolean;
  state: SendState;
  attempts: number;
  error: string | null;
  updatedAt: string;
}

/** A ledger row as a person reviews it, with its lead's address: of sends `s` joined to leads `l`. */
export const LEDGER_ROWS = rowMapper<LedgerRow>({
  id: ['s.id', int],
  leadId: ['s.lead_id', int],
  email: ['l.email', text],
  channel: ['s.channel', channelOf],
  step: ['s.step', int],
  dryRun: ['s.dry_run', flag],
  state: ['s.state', stateOf],
  attempts: ['s.attempts', int],
  error: ['s.error', textOrNull],
  updatedAt: ['s.updated_at', text],
});

/** Ledger rows in one state, oldest first (at most `limit`). */
export async function listSendsInState(db: Db, state: SendState, limit = 1000): Promise<LedgerRow[]> {
  const rows = await db.all(`SELECT ${LEDGER_ROWS.columns} FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.state = ? ORDER BY s.id LIMIT ?`, [state, limit]);
  return rows.map((r) => LEDGER_ROWS.from(r));
}

/** What a sent email's ledger row recorded: enough to compose its exact bytes again (see previewEmail). */
export interface RecordedEmail {
  envelopeFrom: string;
  envelopeTo: string;
  /** The headers as they went on the wire (JSON in the row, parsed here). */
  headers: OutgoingEmail['headers'];
  dryRun: boolean;
  messageId: number;
  /** Text appended to the stored message on the wire (compliance footer), if any. */
  footer: string | null;
}

/** A sent email's record, of a row whose headers are there (only an email that went out, live or dry, has them). */
export const RECORDED_EMAILS = rowMapper<RecordedEmail>({
  envelopeFrom: ['envelope_from', text],
  envelopeTo: ['envelope_to', text],
  headers: ['headers', jsonOf<OutgoingEmail['headers']>()],
  dryRun: ['dry_run', flag],
  messageId: ['message_id', int],
  footer: ['footer', textOrNull],
});

/**
 * How long a claim may be held before it is presumed abandoned, whoever holds it: far longer than one send can take
 * (a claim covers one message in flight, and the SMTP transport gives up within minutes). It is what frees the claims
 * of a worker on another host, whose process this host cannot ask about.
 */
export const CLAIM_LEASE_MS = 30 * 60_000;

/**
 * Find claims held by processes that are gone — on this host, by their pid; on any host, by a claim older than the
 * lease — and recover them (see recoverAbandoned): live rows become UNKNOWN, never sent again on their own.
 */
export async function reapDeadClaims(db: Db, now: string = new Date().toISOString()): Promise<{ unknown: number; requeued: number }> {
  const dead = (await workersHoldingClaims(db)).filter((w) => !isOwnerAlive(w));
  const gone = await recoverAbandoned(db, dead, now);
  const stale = await recoverStaleClaims(db, new Date(Date.parse(now) - CLAIM_LEASE_MS).toISOString(), now);
  return { unknown: gone.unknown + stale.unknown, requeued: gone.requeued + stale.requeued };
}

/** Claims taken before `before` and still SENDING: a live one becomes UNKNOWN, a dry-run one goes back to the queue. */
async function recoverStaleClaims(db: Db, before: string, now: string): Promise<{ unknown: number; requeued: number }> {
  return db.transaction(async (t) => ({
    requeued: await t.run("UPDATE sends SET state = 'QUEUED', claimed_by = NULL, updated_at = ? WHERE state = 'SENDING' AND dry_run = 1 AND claimed_at < ?", [now, before]),
    unknown: await t.run(
      `UPDATE sends SET state = 'UNKNOWN', error = 'the claim outlived its lease (its worker is gone or stuck); it may or may not have been delivered', updated_at = ?
       WHERE state = 'SENDING' AND dry_run = 0 AND claimed_at < ?`,
      [now, before],
    ),
  }));
}
