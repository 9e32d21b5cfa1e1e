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

export function getLeadDetail(store: Store, id: number): LeadDetail | undefined {
  const lead = getLead(store, id);
  if (!lead) return undefined;
  const sends = store
    .stmt('SELECT * FROM sends WHERE lead_id = ? ORDER BY step, channel, dry_run')
    .all(id)
    .map((r) => ({
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
    }));
  const events = store
    .stmt('SELECT id, type, detail, created_at FROM events WHERE lead_id = ? ORDER BY id')
    .all(id)
    .map((r) => ({ id: r.id as number, type: r.type as string, detail: r.detail ? JSON.parse(r.detail as string) : null, createdAt: r.created_at as string }));
  return { lead, enrichment: getEnrichment(store, id) ?? null, messages: messagesForLead(store, id), sends, events };
}
