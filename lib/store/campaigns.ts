/**
 * The campaigns table: a campaign's name, state and spec (the validated campaign file, as JSON). SQL for campaigns
 * lives here; what a campaign means is lib/campaigns.
 */
import type { Store } from './store';
import type { Db } from './db';
import { int, oneOf, rowMapper, text } from './rowMapper';
import { groupTallies, talliesByCampaign } from './tallies';
import { CAMPAIGN_STATES, type CampaignState } from '../campaigns/spec';

export interface CampaignRow {
  id: number;
  name: string;
  state: CampaignState;
  /** The spec as stored: a campaign file's JSON, or `{"builtin":"demo"}` for the built-in demo. */
  spec: string;
  createdAt: string;
  updatedAt: string;
}

/** The campaigns table's one row mapper. */
export const CAMPAIGNS = rowMapper<CampaignRow>({
  id: ['id', int],
  name: ['name', text],
  state: ['state', oneOf(CAMPAIGN_STATES)],
  spec: ['spec', text],
  createdAt: ['created_at', text],
  updatedAt: ['updated_at', text],
});

/** The built-in demo campaign's id: every lead that names no campaign belongs to it. */
export const DEMO_CAMPAIGN_ID = 1;

export function campaignRowByName(store: Store, name: string): CampaignRow | undefined {
  const row = store.rows(`SELECT ${CAMPAIGNS.columns} FROM campaigns WHERE name = ?`).get(name);
  return row && CAMPAIGNS.from(row);
}

export function campaignRowById(store: Store, id: number): CampaignRow | undefined {
  const row = store.rows(`SELECT ${CAMPAIGNS.columns} FROM campaigns WHERE id = ?`).get(id);
  return row && CAMPAIGNS.from(row);
}

const ALL_CAMPAIGNS = `SELECT ${CAMPAIGNS.columns} FROM campaigns ORDER BY id`;

export function campaignRows(store: Store): CampaignRow[] {
  return store
    .rows(ALL_CAMPAIGNS)
    .all()
    .map((r) => CAMPAIGNS.from(r));
}

/** `campaignRows` on either database. */
export async function campaignRowsOn(db: Db): Promise<CampaignRow[]> {
  return (await db.all(ALL_CAMPAIGNS)).map((r) => CAMPAIGNS.from(r));
}

/** Insert a new campaign (draft); returns its id. Call inside `store.tx`. */
export function insertCampaign(store: Store, name: string, spec: string, state: CampaignState, now: string): number {
  const r = store.stmt('INSERT INTO campaigns (name, state, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(name, state, spec, now, now);
  return Number(r.lastInsertRowid);
}

export function updateCampaignSpec(store: Store, id: number, spec: string, now: string): void {
  store.stmt('UPDATE campaigns SET spec = ?, updated_at = ? WHERE id = ?').run(spec, now, id);
}

export function setCampaignStateRow(store: Store, id: number, state: CampaignState, now: string): void {
  store.stmt('UPDATE campaigns SET state = ?, updated_at = ? WHERE id = ?').run(state, now, id);
}

/** How many leads each campaign holds, by status: `{ campaignId: { NEW: 3, SENT: 9 } }` (from the tallies). */
export function campaignLeadCounts(store: Store): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  for (const [id, tallies] of talliesByCampaign(store)) {
    const counts = Object.fromEntries(groupTallies(tallies, 1, 'lead'));
    if (Object.keys(counts).length) out.set(id, counts);
  }
  return out;
}

/**
 * Move leads into a campaign. Only leads no send has gone to yet move (a person already written to stays in the
 * campaign that wrote); their drafts of another campaign are dropped, so they are written afresh for this one.
 * Returns the ids moved. Call inside `store.tx`.
 */
export function moveLeadsToCampaign(store: Store, leadIds: readonly number[], campaignId: number, now: string): number[] {
  if (leadIds.length === 0) return [];
  const ids = JSON.stringify(leadIds);
  const movable = store
    .rows(
      `SELECT l.id FROM leads l WHERE l.id IN (SELECT value FROM json_each(?)) AND l.campaign_id <> ?
         AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.lead_id = l.id)`,
    )
    .all(ids, campaignId)
    .map((r) => int(r[0], 'leads.id'));
  if (movable.length === 0) return [];
  const moving = JSON.stringify(movable);
  store.stmt('DELETE FROM messages WHERE lead_id IN (SELECT value FROM json_each(?))').run(moving);
  store.stmt('UPDATE leads SET campaign_id = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))').run(campaignId, now, moving);
  return movable;
}

/** The campaign of each of these leads. */
export function campaignIdsOfLeads(store: Store, leadIds: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  if (leadIds.length === 0) return out;
  for (const r of store.rows('SELECT id, campaign_id FROM leads WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(leadIds))) {
    out.set(int(r[0], 'leads.id'), int(r[1], 'leads.campaign_id'));
  }
  return out;
}
