/**
 * `personalizeChosen`: the personalize stage for chosen leads (n8n items, an MCP argument) rather than a batch by
 * status, in one transaction — the stage's own batch step (`personalizeBatch`) on the chosen ENRICHED leads, so the
 * same rules hold: every draft passes the copy contract before it is stored; a lead moves ENRICHED → MESSAGED when
 * its assigned variant has a sendable draft on a requested channel, else FAILED with the violations as its reason. A
 * lead messaged before returns its stored messages unchanged. One result per id, in order; an id given twice is
 * written once and then reads as already messaged.
 */
import type { Channel } from '../types';
import type { Db } from '../store/db';
import { leadsByIdsOn, type StoredLead } from '../store/leads';
import { talkingPointFieldsOfOn } from '../store/enrichments';
import { assignedMessageIdsOn, messagesForLeadsOn, saveMessagesOn, type MessageRow, type StoredMessage } from '../store/messages';
import { DEMO_CAMPAIGN_ID } from '../store/campaigns';
import { advanceLeadsOn, moveLeadOn } from '../leads/lifecycle';
import { campaignsOfOn, draftBatch } from './stage';

export interface PersonalizeLeadOptions {
  channels: Channel[];
  senderName?: string;
  optOutLine?: string;
  /**
   * The stored messages each result carries, on the requested channels: of the lead's assigned variant only (what
   * will be sent) or of both. Left out: every message the lead has.
   */
  messages?: 'assigned' | 'both';
}

export type PersonalizeLeadResult =
  | { outcome: 'messaged' | 'already_messaged'; lead: StoredLead; messages: StoredMessage[]; rejected: string[] }
  | { outcome: 'not_found' | 'not_personalizable' | 'failed'; lead?: StoredLead; reason: string };

export async function personalizeChosen(db: Db, leadIds: readonly number[], o: PersonalizeLeadOptions): Promise<PersonalizeLeadResult[]> {
  return db.transaction(async (t) => {
    const before = await leadsByIdsOn(t, leadIds);
    const ready = [...before.values()].filter((lead) => lead.status === 'ENRICHED');
    const written = ready.map((lead) => lead.id);
    const now = new Date().toISOString();
    // The stage's own decisions (draftBatch), written here: the messages, then each lead's move.
    const { campaigns, attributes } = await campaignsOfOn(t, ready);
    const d = draftBatch(ready, await talkingPointFieldsOfOn(t, written), campaigns, attributes, o);
    const b = d.out;
    await saveMessagesOn(t, b.written, now);
    const after = new Map<number, StoredLead>();
    const reread: number[] = [];
    for (const [id, reason] of d.failed) {
      if (await moveLeadOn(t, id, 'FAILED', now, reason)) after.set(id, Object.assign(before.get(id)!, { status: 'FAILED' as const, statusReason: reason, updatedAt: now }));
      else reread.push(id);
    }
    b.messaged = await advanceLeadsOn(t, d.messaged, 'ENRICHED', 'MESSAGED', now);
    if (b.messaged === d.messaged.length) {
      for (const id of d.messaged) after.set(id, Object.assign(before.get(id)!, { status: 'MESSAGED' as const, statusReason: null, updatedAt: now }));
    } else reread.push(...d.messaged);
    for (const [id, lead] of await leadsByIdsOn(t, reread)) after.set(id, lead);
    const only = o.messages && { channels: o.channels, assignedVariantOnly: o.messages === 'assigned' };
    // What to show of the leads written just now is in hand (the rows stored; only their ids are read back). The rest
    // — leads messaged before, or every lead when both variants are shown — is read.
    const fresh = o.messages === 'assigned' ? await writtenAssigned(t, b.written, ready, o.channels, now) : new Map<number, StoredMessage[]>();
    const messages = await messagesForLeadsOn(t, [...before.keys()].filter((id) => !fresh.has(id)), only);
    for (const [id, list] of fresh) messages.set(id, list);
    const told = new Set<number>();
    return leadIds.map((id): PersonalizeLeadResult => {
      const lead = after.get(id) ?? before.get(id);
      if (!lead) return { outcome: 'not_found', reason: `no lead with id ${id} in the store ${db.location}` };
      const stored = messages.get(id) ?? [];
      const held = b.held.get(id);
      if (held !== undefined) return { outcome: 'not_personalizable', lead, reason: held };
      if (after.has(id) && !told.has(id)) {
        told.add(id);
        if (lead.status === 'FAILED') return { outcome: 'failed', lead, reason: lead.statusReason ?? 'failed' };
        return { outcome: 'messaged', lead, messages: stored, rejected: b.rejections.get(id) ?? [] };
      }
      if (stored.length) return { outcome: 'already_messaged', lead, messages: stored, rejected: [] };
      return { outcome: 'not_personalizable', lead, reason: `lead ${id} is ${lead.status}, not ENRICHED: enrich it first` };
    });
  });
}

/** The assigned-variant messages just stored for these leads, as `messagesForLeads` would read them back. */
async function writtenAssigned(db: Db, written: readonly MessageRow[], leads: readonly StoredLead[], channels: readonly Channel[], now: string): Promise<Map<number, StoredMessage[]>> {
  const variantOf = new Map(leads.map((l) => [l.id, l.variant]));
  const own = written.filter((w) => w.draft.variant === variantOf.get(w.leadId) && channels.includes(w.draft.channel));
  const ids = await assignedMessageIdsOn(db, [...new Set(own.map((w) => w.leadId))]);
  const out = new Map<number, StoredMessage[]>();
  // In messagesForLeads' order: by step, channel, variant (one step and one variant here).
  for (const w of own.sort((a, b) => a.leadId - b.leadId || (a.draft.channel < b.draft.channel ? -1 : a.draft.channel > b.draft.channel ? 1 : 0))) {
    const id = ids.get(`${w.leadId}|${w.draft.channel}`);
    if (id === undefined) continue;
    const m: StoredMessage = {
      id, leadId: w.leadId, channel: w.draft.channel, variant: w.draft.variant, step: w.draft.step, subject: w.draft.subject, body: w.draft.body,
      wordCount: w.wordCount, source: w.source, createdAt: now, campaignId: w.campaignId ?? DEMO_CAMPAIGN_ID,
    };
    const list = out.get(w.leadId);
    if (list) list.push(m);
    else out.set(w.leadId, [m]);
  }
  return out;
}
