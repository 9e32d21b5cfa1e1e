/** Everything the store knows about one lead, in one shape: what the MCP `get_lead` tool and the status page show. */
import type { Store } from '../store/store';
import { getLead, type StoredLead } from '../store/leads';
import { getEnrichment } from '../store/enrichments';
import { messagesForLead, type StoredMessage } from '../store/messages';
import type { Enrichment } from '../types';

export interface LeadSend {
  id: number;
  channel: string;
  step: number;
  dryRun: boolean;
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
  enrichment: Enrichment | null;
  messages: StoredMessage[];
  sends: LeadSend[];
  events: LeadEvent[];
}

/** The columns a lead's detail shows of a ledger row (not the recorded headers, which are most of its bytes). */
const SEND_COLUMNS = 'id, lead_id, channel, step, dry_run, state, attempts, message_id, rfc_message_id, response, error, sent_at, next_attempt_at';

/** The one row mapper for a ledger row as a lead's detail shows it. */
function leadSendFromRow(r: Record<string, unknown>): LeadSend {
  return {
    id: r.id as number,
    channel: r.channel as string,
    step: r.step as number,
    dryRun: r.dry_run === 1,
    state: r.state as string,
    attempts: r.attempts as number,
    messageId: r.message_id as number,
    rfcMessageId: (r.rfc_message_id as string | null) ?? null,
    response: (r.response as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    sentAt: (r.sent_at as string | null) ?? null,
    nextAttemptAt: (r.next_attempt_at as string | null) ?? null,
  };
}

/** The ledger rows of many leads in one read (an n8n node's batch of items), in each lead's detail order. */
export function sendsOfLeads(store: Store, ids: readonly number[]): Map<number, LeadSend[]> {
  const out = new Map<number, LeadSend[]>(ids.map((id) => [id, []]));
  const rows = store
    .stmt(`SELECT ${SEND_COLUMNS} FROM sends WHERE lead_id IN (SELECT value FROM json_each(?)) ORDER BY lead_id, step, channel, dry_run`)
    .all(JSON.stringify(ids));
  for (const r of rows) out.get(r.lead_id as number)?.push(leadSendFromRow(r));
  return out;
}

export function getLeadDetail(store: Store, id: number): LeadDetail | undefined {
  const lead = getLead(store, id);
  if (!lead) return undefined;
  const sends = store.stmt(`SELECT ${SEND_COLUMNS} FROM sends WHERE lead_id = ? ORDER BY step, channel, dry_run`).all(id).map(leadSendFromRow);
  const events = store
    .stmt('SELECT id, type, detail, created_at FROM events WHERE lead_id = ? ORDER BY id')
    .all(id)
    .map((r) => ({ id: r.id as number, type: r.type as string, detail: r.detail ? JSON.parse(r.detail as string) : null, createdAt: r.created_at as string }));
  return { lead, enrichment: getEnrichment(store, id) ?? null, messages: messagesForLead(store, id), sends, events };
}
