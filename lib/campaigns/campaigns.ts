/**
 * Campaigns, the unit of outreach: save one (validated and linted, or refused with every problem named), change its
 * state, put leads in it, and load it for the stages that write and send for it.
 *
 * States: draft → active ⇄ paused → finished. Leads can join a draft, an active or a paused campaign; a paused or
 * finished campaign's leads are not written to or sent. A lead belongs to one campaign at a time (leads.campaign_id);
 * a lead already written to stays with the campaign that wrote.
 */
import { LeadflowError } from '../errors';
import type { Store } from '../store/store';
import type { Db } from '../store/db';
import type { AnyStore } from '../store/openDb';
import {
  campaignIdsOfLeads, campaignLeadCounts, campaignRowById, campaignRowByName, campaignRows, campaignRowsSync, insertCampaign, moveLeadsToCampaign,
  setCampaignStateRow, updateCampaignSpec, type CampaignRow,
} from '../store/campaigns';
import { attributeNamesOf } from '../store/leads';
import { advanceLeadsOn } from '../leads/lifecycle';
import { DEMO_CAMPAIGN_NAME, DEMO_SPEC } from './demo';
import { compileSequence, type CompiledSequence } from './draft';
import { lintCampaign, type LintReport } from './lint';
import { parseCampaignSpec, type CampaignSpec, type CampaignState } from './spec';

export interface Campaign {
  id: number;
  name: string;
  state: CampaignState;
  spec: CampaignSpec;
  /** The built-in demo: its copy is the built-in templates. */
  builtin: boolean;
  sequence: CompiledSequence;
  createdAt: string;
  updatedAt: string;
}

/** A campaign that cannot be saved: its lint errors (and warnings), each naming where. */
export class CampaignLintError extends LeadflowError {
  constructor(
    readonly report: LintReport,
    name: string,
  ) {
    super('input', `campaign "${name}" was not saved; fix its templates:\n${report.errors.map((e) => `  - ${e.where}: ${e.message}`).join('\n')}`);
    this.name = 'CampaignLintError';
  }
}

const compiled = new Map<string, Campaign>();

function fromRow(row: CampaignRow): Campaign {
  const key = `${row.id}|${row.updatedAt}|${row.state}`;
  const known = compiled.get(key);
  if (known) return known;
  const raw = JSON.parse(row.spec) as { builtin?: string };
  const builtin = raw.builtin === DEMO_CAMPAIGN_NAME;
  const spec = builtin ? DEMO_SPEC : parseCampaignSpec(raw, `campaign "${row.name}" in the store`);
  const campaign: Campaign = {
    id: row.id, name: row.name, state: row.state, spec, builtin,
    sequence: builtin ? [] : compileSequence(spec), createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
  compiled.set(key, campaign);
  return campaign;
}

function notAmong(names: readonly string[], ref: string | number): LeadflowError {
  return new LeadflowError('input', `no campaign ${typeof ref === 'number' ? `with id ${ref}` : `"${ref}"`} in the store; campaigns: ${names.join(', ')}`);
}

/** `getCampaign` among campaigns already read (`loadCampaigns`): the same answer, the same error. */
export function campaignIn(campaigns: ReadonlyMap<number, Campaign>, ref: string | number): Campaign {
  const found = typeof ref === 'number' ? campaigns.get(ref) : [...campaigns.values()].find((c) => c.name === ref);
  if (!found) throw notAmong([...campaigns.values()].map((c) => c.name), ref);
  return found;
}

/** A campaign by name (or id); an input error naming the campaigns there are when there is none. */
export async function getCampaign(db: Db, ref: string | number): Promise<Campaign> {
  const row = typeof ref === 'number' ? await campaignRowById(db, ref) : await campaignRowByName(db, ref);
  if (!row) throw notAmong((await campaignRows(db)).map((r) => r.name), ref);
  return fromRow(row);
}

/**
 * Every campaign by id, read in one query: what a drain or a batch holds (a store has a handful of campaigns, and
 * each one's spec is compiled once per version). Look one up with `campaignIn`.
 */
export async function loadCampaigns(db: Db): Promise<Map<number, Campaign>> {
  return new Map((await campaignRows(db)).map((row) => [row.id, fromRow(row)]));
}

/**
 * `loadCampaigns` read synchronously, for the SQLite store's synchronous stages (the personalize batch, the dry-run
 * record), which run inside a synchronous transaction and cannot await. Everything else uses `loadCampaigns`.
 */
export function loadCampaignsSync(store: Store): Map<number, Campaign> {
  return new Map(campaignRowsSync(store).map((row) => [row.id, fromRow(row)]));
}

/** The campaigns in a state (no lead counts: cheap on any store). */
export async function campaignsInState(db: Db, state: CampaignState): Promise<Campaign[]> {
  return [...(await loadCampaigns(db)).values()].filter((c) => c.state === state);
}

export interface CampaignSummary {
  id: number;
  name: string;
  state: CampaignState;
  builtin: boolean;
  product: string;
  sender: string;
  steps: number;
  leads: number;
  byStatus: Record<string, number>;
  updatedAt: string;
}

/** Every campaign with its leads by status (SQLite's kept tallies, or counted from PostgreSQL's rows). */
export async function listCampaigns(db: Db): Promise<CampaignSummary[]> {
  const counts = await campaignLeadCounts(db);
  return (await campaignRows(db)).map((row) => {
    const c = fromRow(row);
    const byStatus = counts.get(c.id) ?? {};
    return {
      id: c.id, name: c.name, state: c.state, builtin: c.builtin, product: c.spec.offer.product, sender: c.spec.sender.name,
      steps: c.spec.sequence.length, leads: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, updatedAt: c.updatedAt,
    };
  });
}

/** One campaign's summary, its lead counts as they are now. */
export async function campaignSummary(db: Db, ref: string | number): Promise<CampaignSummary> {
  const id = typeof ref === 'number' ? ref : (await getCampaign(db, ref)).id;
  const found = (await listCampaigns(db)).find((c) => c.id === id);
  if (!found) throw new LeadflowError('conflict', `campaign ${id} is no longer in the store`);
  return found;
}

export interface SaveResult {
  campaign: Campaign;
  created: boolean;
  warnings: LintReport['warnings'];
}

/**
 * Campaign writes take this lock (PostgreSQL: an advisory lock, across hosts), so two workers saving or moving one
 * campaign at once read and write in turn. They are rare: one lock for all of them.
 */
const CAMPAIGNS_LOCK = 'campaigns';

/**
 * Save a campaign: create it (as a draft, or `state`) or replace the spec of the one with its name. Refused, with
 * every error named, when the spec or its templates are wrong; nothing is written then. The demo is built in and
 * cannot be replaced. One transaction.
 */
export async function saveCampaign(store: AnyStore, input: unknown, o: { state?: CampaignState; source?: string; now?: Date } = {}): Promise<SaveResult> {
  const spec = parseCampaignSpec(input, o.source);
  if (spec.name === DEMO_CAMPAIGN_NAME) throw new LeadflowError('refused', `"${DEMO_CAMPAIGN_NAME}" is the built-in demo campaign; give yours another name`);
  const report = lintCampaign(spec, { customColumns: await attributeNamesOf(store) });
  if (report.errors.length) throw new CampaignLintError(report, spec.name);
  const now = (o.now ?? new Date()).toISOString();
  const json = JSON.stringify(spec);
  return store.transaction(async (t) => {
    await t.lock(CAMPAIGNS_LOCK);
    const existing = await campaignRowByName(t, spec.name);
    if (existing) {
      if (existing.state === 'finished') throw new LeadflowError('conflict', `campaign "${spec.name}" is finished; save it under a new name`);
      await updateCampaignSpec(t, existing.id, json, now);
      if (o.state && o.state !== existing.state) await setCampaignStateRow(t, existing.id, o.state, now);
      return { campaign: await getCampaign(t, existing.id), created: false, warnings: report.warnings };
    }
    const id = await insertCampaign(t, spec.name, json, o.state ?? 'draft', now);
    return { campaign: await getCampaign(t, id), created: true, warnings: report.warnings };
  });
}

const NEXT_STATES: Readonly<Record<CampaignState, readonly CampaignState[]>> = {
  draft: ['active', 'finished'],
  active: ['paused', 'finished'],
  paused: ['active', 'finished'],
  finished: [],
};

/** Activate, pause, resume or finish a campaign; a move its state does not allow is refused, saying why. */
export async function setCampaignState(db: Db, ref: string | number, state: CampaignState, now = new Date()): Promise<Campaign> {
  return db.transaction(async (t) => {
    await t.lock(CAMPAIGNS_LOCK);
    const c = await getCampaign(t, ref);
    if (c.state === state) return c;
    if (!NEXT_STATES[c.state].includes(state)) {
      throw new LeadflowError('conflict', `campaign "${c.name}" is ${c.state}; it can become ${NEXT_STATES[c.state].join(' or ') || 'nothing else'}, not ${state}`);
    }
    await setCampaignStateRow(t, c.id, state, now.toISOString());
    return getCampaign(t, c.id);
  });
}

/** A campaign leads may join now: any but a finished one. */
export async function joinableCampaign(db: Db, ref: string | number): Promise<Campaign> {
  const c = await getCampaign(db, ref);
  if (c.state === 'finished') throw new LeadflowError('conflict', `campaign "${c.name}" is finished: leads cannot join it`);
  return c;
}

export interface AddLeadsResult {
  campaign: string;
  /** Leads now in the campaign (moved from another). */
  added: number[];
  /** Already in it. */
  already: number[];
  /** Written to by another campaign: they stay where they are. */
  kept: { leadId: number; campaign: string }[];
  /** Ids the store does not hold. */
  unknown: number[];
}

/**
 * Put leads in a campaign, in one transaction. A lead no send has gone to moves, and if it was drafted for its old
 * campaign it goes back to ENRICHED to be written afresh for this one; a lead already written to stays with its
 * campaign, and says so.
 */
export async function addLeadsToCampaign(db: Db, ref: string | number, leadIds: readonly number[], now = new Date()): Promise<AddLeadsResult> {
  return db.transaction(async (t) => {
    await t.lock(CAMPAIGNS_LOCK);
    const c = await joinableCampaign(t, ref);
    const at = now.toISOString();
    const unique = [...new Set(leadIds)];
    const before = await campaignIdsOfLeads(t, unique);
    const moved = await moveLeadsToCampaign(t, unique, c.id, at);
    await advanceLeadsOn(t, moved, 'MESSAGED', 'ENRICHED', at);
    const movedSet = new Set(moved);
    const result: AddLeadsResult = { campaign: c.name, added: moved, already: [], kept: [], unknown: [] };
    let campaigns: Map<number, Campaign> | undefined;
    for (const id of unique) {
      const was = before.get(id);
      if (was === undefined) result.unknown.push(id);
      else if (movedSet.has(id)) continue;
      else if (was === c.id) result.already.push(id);
      else {
        campaigns ??= await loadCampaigns(t);
        result.kept.push({ leadId: id, campaign: campaignIn(campaigns, was).name });
      }
    }
    return result;
  });
}
