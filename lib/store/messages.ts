/** The messages table: drafts that passed the copy contract, one per lead x channel x step x variant. */
import { CHANNELS, VARIANTS, type Channel, type MessageDraft, type Variant } from '../types';
import { int, oneOf, rowMapper, text, textOrNull } from './rowMapper';
import type { Store, SqlValue } from './store';
import { insertRows, insertRowsOn, type MultiRowInsert } from './multiRow';
import { inValues, type Db } from './db';
import { DEMO_CAMPAIGN_ID } from './campaigns';

export interface StoredMessage extends MessageDraft {
  id: number;
  leadId: number;
  wordCount: number;
  source: string;
  createdAt: string;
  /** The campaign it was written for (1: the built-in demo). */
  campaignId: number;
}

/** Insert or replace a lead's draft, inside the caller's transaction; returns the message id (kept on a replace). */
export async function saveMessage(
  db: Db,
  leadId: number,
  d: MessageDraft,
  wordCount: number,
  source: string,
  now: string,
  campaignId: number = DEMO_CAMPAIGN_ID,
): Promise<number> {
  const row = await db.get(
    `INSERT INTO messages (lead_id, channel, variant, step, subject, body, word_count, source, created_at, campaign_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (lead_id, channel, step, variant) DO UPDATE SET subject = excluded.subject, body = excluded.body,
       word_count = excluded.word_count, source = excluded.source, created_at = excluded.created_at, campaign_id = excluded.campaign_id
     RETURNING id`,
    [leadId, d.channel, d.variant, d.step, d.subject, d.body, wordCount, source, now, campaignId],
  );
  return int(row![0], 'messages.id');
}

const MESSAGE_ROWS: MultiRowInsert = {
  head: 'INSERT INTO messages (lead_id, channel, variant, step, subject, body, word_count, source, created_at, campaign_id)',
  row: '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  tail: `ON CONFLICT (lead_id, channel, step, variant) DO UPDATE SET subject = excluded.subject, body = excluded.body,
         word_count = excluded.word_count, source = excluded.source, created_at = excluded.created_at, campaign_id = excluded.campaign_id`,
  width: 10,
};

export interface MessageRow {
  leadId: number;
  /** The campaign the draft was written for (absent: the built-in demo). */
  campaignId?: number;
  draft: MessageDraft;
  wordCount: number;
  source: string;
}

/**
 * `saveMessage` for a batch, in a few multi-row statements, when the caller needs no ids back: the rows stored
 * (and their ids, assigned in the order given) are the same as one `saveMessage` per row. Call inside `store.tx`.
 */
export function saveMessages(store: Store, rows: readonly MessageRow[], now: string): void {
  insertRows(store, MESSAGE_ROWS, messageParams(rows, now));
}

/** `saveMessages` on either database, inside its transaction. */
export async function saveMessagesOn(db: Db, rows: readonly MessageRow[], now: string): Promise<void> {
  await insertRowsOn(db, MESSAGE_ROWS, messageParams(rows, now));
}

function messageParams(rows: readonly MessageRow[], now: string): SqlValue[] {
  const params: SqlValue[] = [];
  for (const { leadId, draft: d, wordCount, source, campaignId } of rows) {
    params.push(leadId, d.channel, d.variant, d.step, d.subject, d.body, wordCount, source, now, campaignId ?? DEMO_CAMPAIGN_ID);
  }
  return params;
}

/** The messages table's one row mapper. */
export const MESSAGES = rowMapper<StoredMessage>({
  id: ['id', int],
  leadId: ['lead_id', int],
  channel: ['channel', oneOf(CHANNELS)],
  variant: ['variant', oneOf(VARIANTS)],
  step: ['step', int],
  subject: ['subject', textOrNull],
  body: ['body', text],
  wordCount: ['word_count', int],
  source: ['source', text],
  createdAt: ['created_at', text],
  campaignId: ['campaign_id', int],
});

export function messagesForLead(store: Store, leadId: number): StoredMessage[] {
  return store
    .rows(`SELECT ${MESSAGES.columns} FROM messages WHERE lead_id = ? ORDER BY step, channel, variant`)
    .all(leadId)
    .map((r) => MESSAGES.from(r));
}

/** Which of a lead's messages to read: those on these channels, and of its assigned variant only or of both. */
export interface MessageChoice {
  channels: readonly Channel[];
  assignedVariantOnly: boolean;
}

/**
 * `messagesForLead` for many leads in one statement: each lead's messages, in the same order — all of them, or those
 * `only` picks (a caller that shows the assigned variant reads half the rows).
 */
export function messagesForLeads(store: Store, leadIds: readonly number[], only?: MessageChoice): Map<number, StoredMessage[]> {
  if (leadIds.length === 0) return new Map();
  const q = messagesForLeadsQuery(store, leadIds, only);
  return messagesByLead(store.rows(q.sql).all(...q.params));
}

/** `messagesForLeads` on either database. */
export async function messagesForLeadsOn(db: Db, leadIds: readonly number[], only?: MessageChoice): Promise<Map<number, StoredMessage[]>> {
  if (leadIds.length === 0) return new Map();
  const q = messagesForLeadsQuery(db, leadIds, only);
  return messagesByLead(await db.all(q.sql, q.params));
}

function messagesForLeadsQuery(db: Pick<Db, 'dialect'>, leadIds: readonly number[], only?: MessageChoice): { sql: string; params: SqlValue[] } {
  return only
    ? {
        sql: `SELECT ${MESSAGES.select('m')} FROM messages m JOIN leads l ON l.id = m.lead_id
              WHERE m.lead_id IN ${inValues(db, 'int')} AND m.channel IN ${inValues(db, 'text')}
                AND (? = 0 OR m.variant = l.variant)
              ORDER BY m.lead_id, m.step, m.channel, m.variant`,
        params: [JSON.stringify(leadIds), JSON.stringify(only.channels), only.assignedVariantOnly ? 1 : 0],
      }
    : {
        sql: `SELECT ${MESSAGES.columns} FROM messages WHERE lead_id IN ${inValues(db, 'int')} ORDER BY lead_id, step, channel, variant`,
        params: [JSON.stringify(leadIds)],
      };
}

function messagesByLead(rows: SqlValue[][]): Map<number, StoredMessage[]> {
  const out = new Map<number, StoredMessage[]>();
  for (const r of rows) {
    const message = MESSAGES.from(r);
    const list = out.get(message.leadId);
    if (list) list.push(message);
    else out.set(message.leadId, [message]);
  }
  return out;
}

/**
 * The ids of these leads' step-1 messages in their assigned variant, keyed "leadId|channel" — what a caller holding
 * the rows it just wrote (`saveMessages` returns no ids) needs to show them, without reading their text back.
 */
export async function assignedMessageIdsOn(db: Db, leadIds: readonly number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (leadIds.length === 0) return out;
  const rows = await db.all(
    `SELECT m.lead_id, m.channel, m.id FROM messages m JOIN leads l ON l.id = m.lead_id
     WHERE m.lead_id IN ${inValues(db, 'int')} AND m.step = 1 AND m.variant = l.variant`,
    [JSON.stringify(leadIds)],
  );
  for (const r of rows) out.set(`${int(r[0], 'messages.lead_id')}|${text(r[1], 'messages.channel')}`, int(r[2], 'messages.id'));
  return out;
}

/** The newest message's id (0 when there is none): drafts stored after this call have larger ids. */
export function lastMessageId(store: Store): number {
  return int(store.rows('SELECT coalesce(max(id), 0) AS n FROM messages').get()![0], 'max(messages.id)');
}

/** A stored draft in its lead's assigned variant, with the lead's address: what an agent is shown of new drafts. */
export interface AssignedDraft {
  leadId: number;
  email: string;
  channel: Channel;
  variant: Variant;
  subject: string | null;
  body: string;
}

/** A draft with its lead's address, as `assignedDraftsAfter` selects it from messages `m` joined to leads `l`. */
export const ASSIGNED_DRAFTS = rowMapper<AssignedDraft>({
  leadId: ['m.lead_id', int],
  email: ['l.email', text],
  channel: ['m.channel', oneOf(CHANNELS)],
  variant: ['m.variant', oneOf(VARIANTS)],
  subject: ['m.subject', textOrNull],
  body: ['m.body', text],
});

/** Up to `limit` drafts stored after message `afterId`, each in its lead's assigned variant, oldest first. */
export function assignedDraftsAfter(store: Store, afterId: number, limit: number): AssignedDraft[] {
  return store
    .rows(
      `SELECT ${ASSIGNED_DRAFTS.columns} FROM messages m JOIN leads l ON l.id = m.lead_id
       WHERE m.id > ? AND m.variant = l.variant ORDER BY m.id LIMIT ?`,
    )
    .all(afterId, limit)
    .map((r) => ASSIGNED_DRAFTS.from(r));
}

/** A message by id, on either database. */
export async function getMessage(db: Db, id: number): Promise<StoredMessage | undefined> {
  const row = await db.get(`SELECT ${MESSAGES.columns} FROM messages WHERE id = ?`, [id]);
  return row && MESSAGES.from(row);
}
