/**
 * The campaigns table: a campaign's name, state and spec (the validated campaign file, as JSON). SQL for campaigns
 * lives here; what a campaign means is lib/campaigns.
 */
import type { Store } from './store';
import { inValues, type Db } from './db';
import { int, oneOf, rowMapper, text } from './rowMapper';
import { groupTallies, talliesByCampaignOf } from './tallies';
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

const CAMPAIGN_BY_NAME = `SELECT ${CAMPAIGNS.columns} FROM campaigns WHERE name = ?`;
const CAMPAIGN_BY_ID = `SELECT ${CAMPAIGNS.columns} FROM campaigns WHERE id = ?`;
const ALL_CAMPAIGNS = `SELECT ${CAMPAIGNS.columns} FROM campaigns ORDER BY id`;

export async function campaignRowByName(db: Db, name: string): Promise<CampaignRow | undefined> {
  const row = await db.get(CAMPAIGN_BY_NAME, [name]);
  return row && CAMPAIGNS.from(row);
}

export async function campaignRowById(db: Db, id: number): Promise<CampaignRow | undefined> {
  const row = await db.get(CAMPAIGN_BY_ID, [id]);
  return row && CAMPAIGNS.from(row);
}

export async function campaignRows(db: Db): Promise<CampaignRow[]> {
  return (await db.all(ALL_CAMPAIGNS)).map((r) => CAMPAIGNS.from(r));
}

/**
 * `campaignRows` read synchronously, for the SQLite store's synchronous stages (the personalize batch, the dry-run
 * record): they run inside a synchronous transaction and cannot await.
 */
export function campaignRowsSync(store: Store): CampaignRow[] {
  return store
    .rows(ALL_CAMPAIGNS)
    .all()
    .map((r) => CAMPAIGNS.from(r));
}

/** Insert a new campaign; returns its id. Call inside a transaction. */
export async function insertCampaign(db: Db, name: string, spec: string, state: CampaignState, now: string): Promise<number> {
  const row = await db.get('INSERT INTO campaigns (name, state, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id', [name, state, spec, now, now]);
  return int(row![0], 'campaigns.id');
}

export async function updateCampaignSpec(db: Db, id: number, spec: string, now: string): Promise<void> {
  await db.run('UPDATE campaigns SET spec = ?, updated_at = ? WHERE id = ?', [spec, now, id]);
}

export async function setCampaignStateRow(db: Db, id: number, state: CampaignState, now: string): Promise<void> {
  await db.run('UPDATE campaigns SET state = ?, updated_at = ? WHERE id = ?', [state, now, id]);
}

/**
 * How many leads each campaign holds, by status: `{ campaignId: { NEW: 3, SENT: 9 } }` (SQLite's kept tallies, or
 * PostgreSQL's counted from the rows).
 */
export async function campaignLeadCounts(db: Db): Promise<Map<number, Record<string, number>>> {
  const out = new Map<number, Record<string, number>>();
  for (const [id, tallies] of await talliesByCampaignOf(db)) {
    const counts = Object.fromEntries(groupTallies(tallies, 1, 'lead'));
    if (Object.keys(counts).length) out.set(id, counts);
  }
  return out;
}

/**
 * Move leads into a campaign. Only leads no send has gone to yet move (a person already written to stays in the
 * campaign that wrote); their drafts of another campaign are dropped, so they are written afresh for this one.
 * Returns the ids moved. Call inside a transaction.
 */
export async function moveLeadsToCampaign(db: Db, leadIds: readonly number[], campaignId: number, now: string): Promise<number[]> {
  if (leadIds.length === 0) return [];
  const ids = inValues(db, 'int');
  const movable = (
    await db.all(
      `SELECT l.id FROM leads l WHERE l.id IN ${ids} AND l.campaign_id <> ?
         AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.lead_id = l.id) ORDER BY l.id`,
      [JSON.stringify(leadIds), campaignId],
    )
  ).map((r) => int(r[0], 'leads.id'));
  if (movable.length === 0) return [];
  const moving = JSON.stringify(movable);
  await db.run(`DELETE FROM messages WHERE lead_id IN ${ids}`, [moving]);
  await db.run(`UPDATE leads SET campaign_id = ?, updated_at = ? WHERE id IN ${ids}`, [campaignId, now, moving]);
  return movable;
}

/** The campaign of each of these leads. */
export async function campaignIdsOfLeads(db: Db, leadIds: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (leadIds.length === 0) return out;
  for (const r of await db.all(`SELECT id, campaign_id FROM leads WHERE id IN ${inValues(db, 'int')}`, [JSON.stringify(leadIds)])) {
    out.set(int(r[0], 'leads.id'), int(r[1], 'leads.campaign_id'));
  }
  return out;
}
