/** Everything the store knows about one lead, in one shape: what the MCP `get_lead` tool and the status page show. */
import { inValues, type Db } from '../store/db';
import { leadAttributesOn, leadOn, type StoredLead } from '../store/leads';
import { enrichmentsOfOn } from '../store/enrichments';
import { messagesForLeadsOn, type StoredMessage } from '../store/messages';
import type { Enrichment } from '../types';
import { flag, int, jsonOf, rowMapper, text, textOrNull } from '../store/rowMapper';

export interface LeadSend {
  id: number;
  channel: string;
  step: number;
  dryRun: boolean;
  /** The ledger state, except that a dry run's record reads SIMULATED: it reached nobody, so it never reads SENT. */
  state: string;
  attempts: number;
  messageId: number;
  rfcMessageId: string | null;
  response: string | null;
  error: string | null;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

export interface LeadEvent {
  id: number;
  type: string;
  detail: unknown;
  createdAt: string;
}

export interface LeadDetail {
  lead: StoredLead;
  /** The columns of its import no field read, by column name: custom attributes. */
  attributes: Record<string, string>;
  enrichment: Enrichment | null;
  messages: StoredMessage[];
  sends: LeadSend[];
  events: LeadEvent[];
}

/**
 * The one row mapper for a ledger row as a lead's detail shows it: not the recorded headers, which are most of a
 * row's bytes.
 */
const LEAD_SENDS = rowMapper<LeadSend>({
  id: ['id', int],
  channel: ['channel', text],
  step: ['step', int],
  dryRun: ['dry_run', flag],
  state: ['state', text],
  attempts: ['attempts', int],
  messageId: ['message_id', int],
  rfcMessageId: ['rfc_message_id', textOrNull],
  response: ['response', textOrNull],
  error: ['error', textOrNull],
  sentAt: ['sent_at', textOrNull],
  nextAttemptAt: ['next_attempt_at', textOrNull],
});

/** The events table's row mapper, as a lead's detail shows an event (its detail parsed from JSON). */
const eventDetail = jsonOf<unknown>();
const LEAD_EVENTS = rowMapper<LeadEvent>({
  id: ['id', int],
  type: ['type', text],
  detail: ['detail', (cell, column) => (cell === null ? null : eventDetail(cell, column))],
  createdAt: ['created_at', text],
});

/** A ledger row as people see it: a dry run's settled record is SIMULATED, never SENT. */
export function shownSend(s: LeadSend): LeadSend {
  return s.dryRun && s.state === 'SENT' ? { ...s, state: 'SIMULATED' } : s;
}

/** The ledger rows of many leads in one read (an n8n node's batch of items), in each lead's detail order. */
export async function sendsOfLeads(db: Db, ids: readonly number[]): Promise<Map<number, LeadSend[]>> {
  const out = new Map<number, LeadSend[]>(ids.map((id) => [id, []]));
  const rows = await db.all(
    `SELECT lead_id, ${LEAD_SENDS.columns} FROM sends WHERE lead_id IN ${inValues(db, 'int')} ORDER BY lead_id, step, channel, dry_run`,
    [JSON.stringify(ids)],
  );
  for (const r of rows) out.get(int(r[0], 'lead_id'))?.push(shownSend(LEAD_SENDS.at(r, 1)));
  return out;
}

/** One lead in full, on either database; undefined when there is no such lead (never was, or erased). */
export async function getLeadDetail(db: Db, id: number): Promise<LeadDetail | undefined> {
  const lead = await leadOn(db, id);
  if (!lead) return undefined;
  const sends = (await db.all(`SELECT ${LEAD_SENDS.columns} FROM sends WHERE lead_id = ? ORDER BY step, channel, dry_run`, [id])).map((r) => shownSend(LEAD_SENDS.from(r)));
  const events = (await db.all(`SELECT ${LEAD_EVENTS.columns} FROM events WHERE lead_id = ? ORDER BY id`, [id])).map((r) => LEAD_EVENTS.from(r));
  const enrichment = (await enrichmentsOfOn(db, [id])).get(id) ?? null;
  const messages = (await messagesForLeadsOn(db, [id])).get(id) ?? [];
  return { lead, attributes: await leadAttributesOn(db, id), enrichment, messages, sends, events };
}
