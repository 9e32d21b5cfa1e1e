/**
 * `queueLead`: put one chosen lead's assigned-variant messages into the send ledger, on the requested channels —
 * what `sendMessaged` does per batch, for a lead named by an n8n item or an MCP call. Sending itself stays with
 * `sendQueued`, the one path every adapter sends through. Queuing twice is harmless (the ledger's key absorbs it).
 */
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { getLead, type StoredLead } from '../store/leads';
import { enqueue } from './ledger';

export type QueueLeadResult =
  | { outcome: 'queued'; lead: StoredLead; queued: number; channels: Channel[] }
  | { outcome: 'not_found' | 'not_sendable'; lead?: StoredLead; reason: string };

export function queueLead(store: Store, leadId: number, o: { channels: Channel[]; dryRun: boolean }): QueueLeadResult {
  return store.tx((): QueueLeadResult => {
    const lead = getLead(store, leadId);
    if (!lead) return { outcome: 'not_found', reason: `no lead with id ${leadId} in the store ${store.path}` };
    const rows = store
      .stmt('SELECT id, channel FROM messages WHERE lead_id = ? AND variant = ? AND step = 1')
      .all(lead.id, lead.variant);
    const wanted = rows.filter((m) => o.channels.includes(m.channel as Channel));
    if (wanted.length === 0) {
      const why = rows.length === 0 ? 'it has no messages yet: personalize it first' : `it has no message on ${o.channels.join('/')}`;
      return { outcome: 'not_sendable', lead, reason: `lead ${lead.id} (${lead.status}) cannot be queued: ${why}` };
    }
    const now = new Date().toISOString();
    let queued = 0;
    for (const m of wanted) {
      if (enqueue(store, { leadId: lead.id, channel: m.channel as Channel, step: 1, dryRun: o.dryRun }, m.id as number, now)) queued++;
    }
    return { outcome: 'queued', lead, queued, channels: wanted.map((m) => m.channel as Channel) };
  });
}
