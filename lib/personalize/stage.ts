/**
 * The personalize stage: ENRICHED → MESSAGED. Every draft passes the copy contract before it is stored; a lead whose
 * assigned variant breaks it on every requested channel becomes FAILED with the violations as its reason, so a
 * message that breaks the contract is never sendable.
 */
import type { Channel, MessageDraft } from '../types';
import type { Store } from '../store/store';
import { attributesOfLeads, attributesOfLeadsOn, stageLeadsInStatus, type StageLead } from '../store/leads';
import type { Db } from '../store/db';
import { DEMO_CAMPAIGN_ID } from '../store/campaigns';
import { campaignIn, loadCampaigns, loadCampaignsSync, type Campaign } from '../campaigns/campaigns';
import { CAMPAIGN_TEMPLATE_SOURCE, draftStep } from '../campaigns/draft';
import type { CampaignState } from '../campaigns/spec';
import { movesNow, type LeadMoves } from '../leads/leadMoves';
import { talkingPointFieldsFor } from '../store/enrichments';
import { saveMessages, type MessageRow } from '../store/messages';
import { TEMPLATE_SOURCE } from './templates';
import { acceptedDrafts, judgeDrafts } from './acceptedDrafts';
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
  /** Signs the demo campaign's emails (a campaign of the user's signs with its own sender). */
  senderName?: string;
  /** Closes every demo email; defaults to DEFAULT_OPT_OUT_LINE (a user campaign has its own). */
  optOutLine?: string;
  /** Only the leads of this campaign (by name); otherwise every ENRICHED lead, each written for its own campaign. */
  campaign?: string;
}

export function personalizeEnriched(
  store: Store,
  o: PersonalizeOptions,
  c: StageControl<PersonalizeTally> = {},
): PersonalizeTally {
  const tally: PersonalizeTally = { messaged: 0, messages: 0, rejected: 0, failedLeads: 0 };
  const campaignId = o.campaign === undefined ? undefined : campaignIn(loadCampaignsSync(store), o.campaign).id;
  let afterId = 0;
  for (;;) {
    const room = batchRoom(c, tally.messaged + tally.failedLeads);
    if (room <= 0 || c.shouldStop?.()) break;
    const batch = stageLeadsInStatus(store, 'ENRICHED', afterId, room, campaignId);
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
  /** Leads left ENRICHED because their campaign is paused or finished: why. */
  held: Map<number, string>;
  /** The message rows this batch stored, as written (no ids: a caller that shows them reads only those). */
  written: readonly MessageRow[];
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
  const { campaigns, attributes } = campaignsOf(store, batch);
  const d = draftBatch(batch, enrichments, campaigns, attributes, o);
  for (const [id, reason] of d.failed) moves.set(id, 'FAILED', reason);
  saveMessages(store, d.out.written, now);
  d.out.messaged = moves.advance(d.messaged, 'ENRICHED', 'MESSAGED');
  return d.out;
}

/**
 * What a batch of ENRICHED leads is written, decided in hand from their enrichments, campaigns and attributes:
 * the messages to store, the leads to move to MESSAGED (`messaged`, the tally's count once they moved) and those to
 * move to FAILED with the reason. `personalizeBatch` writes it on SQLite in the caller's transaction;
 * `personalizeChosen` on either database.
 */
export function draftBatch<L extends StageLead>(
  batch: readonly L[],
  enrichments: ReadonlyMap<number, TalkingPointsInput>,
  campaigns: ReadonlyMap<number, Campaign>,
  attributes: ReadonlyMap<number, Record<string, string>>,
  o: PersonalizeOptions,
): { out: PersonalizedBatch<L>; messaged: number[]; failed: Map<number, string> } {
  const messages: MessageRow[] = [];
  const out: PersonalizedBatch<L> = { messaged: 0, messages: 0, rejected: 0, failedLeads: 0, sendable: [], rejections: new Map(), held: new Map(), written: messages };
  const messaged: number[] = [];
  const failed = new Map<number, string>();
  for (const lead of batch) {
    const enrichment = enrichments.get(lead.id);
    if (!enrichment) {
      failed.set(lead.id, 'enrichment missing for an ENRICHED lead');
      out.failedLeads++;
      continue;
    }
    const campaign = lead.campaignId === undefined || lead.campaignId === DEMO_CAMPAIGN_ID ? undefined : campaigns.get(lead.campaignId);
    if (campaign && !WRITABLE.includes(campaign.state)) {
      out.held.set(lead.id, `its campaign "${campaign.name}" is ${campaign.state}: resume it to write to its leads`);
      continue;
    }
    const judged = campaign && !campaign.builtin
      ? campaignDrafts(campaign, lead, enrichment, attributes.get(lead.id) ?? {}, o.channels)
      : acceptedDrafts(lead, enrichment, { channels: o.channels, senderName: o.senderName, optOutLine: o.optOutLine });
    const source = campaign && !campaign.builtin ? CAMPAIGN_TEMPLATE_SOURCE : TEMPLATE_SOURCE;
    out.rejected += judged.rejected.length;
    if (judged.rejected.length > 0) out.rejections.set(lead.id, judged.rejected);
    for (const { draft, words } of judged.accepted) {
      messages.push({ leadId: lead.id, draft, wordCount: words, source, campaignId: lead.campaignId });
      if (draft.variant === lead.variant) out.sendable.push({ lead, message: draft });
    }
    out.messages += judged.accepted.length;
    if (judged.sendable.size > 0) {
      messaged.push(lead.id);
    } else {
      failed.set(lead.id, 'copy contract: ' + judged.ownProblems.join(' | '));
      out.failedLeads++;
    }
  }
  return { out, messaged, failed };
}

/** A campaign's leads are written to while it is a draft (to preview them) or active; not when paused or finished. */
const WRITABLE: readonly CampaignState[] = ['draft', 'active'];

/**
 * The campaigns of a batch's leads, loaded once each, and the custom attributes of the leads a user campaign writes
 * to (one read). A batch of demo leads — every streamed pipeline batch — reads nothing.
 */
function campaignsOf(store: Store, batch: readonly StageLead[]): { campaigns: Map<number, Campaign>; attributes: Map<number, Record<string, string>> } {
  const ids = userCampaignIds(batch);
  if (ids.size === 0) return { campaigns: new Map(), attributes: new Map() };
  return { campaigns: loadCampaignsSync(store), attributes: attributesOfLeads(store, leadsOfCampaigns(batch, ids)) };
}

/** `campaignsOf` on either database. */
export async function campaignsOfOn(db: Db, batch: readonly StageLead[]): Promise<{ campaigns: Map<number, Campaign>; attributes: Map<number, Record<string, string>> }> {
  const ids = userCampaignIds(batch);
  if (ids.size === 0) return { campaigns: new Map(), attributes: new Map() };
  return { campaigns: await loadCampaigns(db), attributes: await attributesOfLeadsOn(db, leadsOfCampaigns(batch, ids)) };
}

function userCampaignIds(batch: readonly StageLead[]): Set<number> {
  const ids = new Set<number>();
  for (const lead of batch) if (lead.campaignId !== undefined && lead.campaignId !== DEMO_CAMPAIGN_ID) ids.add(lead.campaignId);
  return ids;
}

function leadsOfCampaigns(batch: readonly StageLead[], ids: ReadonlySet<number>): number[] {
  return batch.filter((l) => l.campaignId !== undefined && ids.has(l.campaignId)).map((l) => l.id);
}

function campaignDrafts(campaign: Campaign, lead: StageLead, enrichment: TalkingPointsInput, attributes: Record<string, string>, channels: readonly Channel[]) {
  const step = draftStep(campaign.spec, campaign.sequence, lead, enrichment, attributes, { step: 1, channels });
  return judgeDrafts(lead, step.drafts, step.unwritten);
}

function addTally(t: PersonalizeTally, b: PersonalizeTally): void {
  t.messaged += b.messaged;
  t.messages += b.messages;
  t.rejected += b.rejected;
  t.failedLeads += b.failedLeads;
}
