/**
 * The personalize stage: ENRICHED → MESSAGED. Every draft passes the copy contract before it is stored; a lead whose
 * assigned variant breaks it on every requested channel becomes FAILED with the violations as its reason, so a
 * message that breaks the contract is never sendable.
 */
import type { Channel, MessageDraft } from '../types';
import type { Store } from '../store/store';
import { stageLeadsInStatus, type StageLead } from '../store/leads';
import { movesNow, type LeadMoves } from '../leads/leadMoves';
import { talkingPointFieldsFor } from '../store/enrichments';
import { saveMessages, type MessageRow } from '../store/messages';
import { TEMPLATE_SOURCE } from './templates';
import { acceptedDrafts } from './acceptedDrafts';
import type { TalkingPointsInput } from './talkingPoints';
import { batchRoom, type StageControl } from '../pipeline/control';

export interface PersonalizeTally {
  messaged: number;
  messages: number;
  rejected: number;
  failedLeads: number;
}

export interface PersonalizeOptions {
  channels: Channel[];
  senderName?: string;
  /** Closes every email; defaults to DEFAULT_OPT_OUT_LINE. */
  optOutLine?: string;
}

export function personalizeEnriched(
  store: Store,
  o: PersonalizeOptions,
  c: StageControl<PersonalizeTally> = {},
): PersonalizeTally {
  const tally: PersonalizeTally = { messaged: 0, messages: 0, rejected: 0, failedLeads: 0 };
  let afterId = 0;
  for (;;) {
    const room = batchRoom(c, tally.messaged + tally.failedLeads);
    if (room <= 0 || c.shouldStop?.()) break;
    const batch = stageLeadsInStatus(store, 'ENRICHED', afterId, room);
    if (batch.length === 0) break;
    const enrichments = talkingPointFieldsFor(store, batch[0].id, batch[batch.length - 1].id);
    const now = new Date().toISOString();
    store.tx(() => {
      addTally(tally, personalizeBatch(store, batch, enrichments, o, now));
      c.inBatch?.(tally);
    });
    afterId = batch[batch.length - 1].id;
    c.onBatch?.(tally);
  }
  return tally;
}

export interface PersonalizedBatch<L extends StageLead> extends PersonalizeTally {
  /** Each lead's message of its assigned variant that passed, per channel (stored): what the send stage sends. */
  sendable: { lead: L; message: MessageDraft }[];
  /** The rejected drafts ("channel/variant: violations") of each lead that had any, for a caller that shows them. */
  rejections: Map<number, string[]>;
}

/**
 * Write the messages of a batch of ENRICHED leads in hand and move each lead (through `moves`) to MESSAGED — or to
 * FAILED, with the violations as its reason, when its variant broke the contract on every channel — in the caller's
 * transaction.
 * Messages and status moves are written a batch at a time: a few statements instead of five per lead.
 */
export function personalizeBatch<L extends StageLead>(
  store: Store,
  batch: readonly L[],
  enrichments: ReadonlyMap<number, TalkingPointsInput>,
  o: PersonalizeOptions,
  now: string,
  moves: LeadMoves = movesNow(store, now),
): PersonalizedBatch<L> {
  const out: PersonalizedBatch<L> = { messaged: 0, messages: 0, rejected: 0, failedLeads: 0, sendable: [], rejections: new Map() };
  const messages: MessageRow[] = [];
  const messaged: number[] = [];
  for (const lead of batch) {
    const enrichment = enrichments.get(lead.id);
    if (!enrichment) {
      moves.set(lead.id, 'FAILED', 'enrichment missing for an ENRICHED lead');
      out.failedLeads++;
      continue;
    }
    const judged = acceptedDrafts(lead, enrichment, { channels: o.channels, senderName: o.senderName, optOutLine: o.optOutLine });
    out.rejected += judged.rejected.length;
    if (judged.rejected.length > 0) out.rejections.set(lead.id, judged.rejected);
    for (const { draft, words } of judged.accepted) {
      messages.push({ leadId: lead.id, draft, wordCount: words, source: TEMPLATE_SOURCE });
      if (draft.variant === lead.variant) out.sendable.push({ lead, message: draft });
    }
    out.messages += judged.accepted.length;
    if (judged.sendable.size > 0) {
      messaged.push(lead.id);
    } else {
      moves.set(lead.id, 'FAILED', 'copy contract: ' + judged.ownProblems.join(' | '));
      out.failedLeads++;
    }
  }
  saveMessages(store, messages, now);
  out.messaged = moves.advance(messaged, 'ENRICHED', 'MESSAGED');
  return out;
}

function addTally(t: PersonalizeTally, b: PersonalizeTally): void {
  t.messaged += b.messaged;
  t.messages += b.messages;
  t.rejected += b.rejected;
  t.failedLeads += b.failedLeads;
}
