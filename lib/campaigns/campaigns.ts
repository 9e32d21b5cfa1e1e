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
import {
  campaignIdsOfLeads, campaignLeadCounts, campaignRowById, campaignRowByName, campaignRows, campaignRowsOn, insertCampaign, moveLeadsToCampaign,
  setCampaignStateRow, updateCampaignSpec, type CampaignRow,
} from '../store/campaigns';
import { attributeNames } from '../store/leads';
import { advanceLeads } from '../leads/lifecycle';
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

function notFound(store: Store, ref: string | number): LeadflowError {
  return notAmong(campaignRows(store).map((r) => r.name), ref);
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
export function getCampaign(store: Store, ref: string | number): Campaign {
  const row = typeof ref === 'number' ? campaignRowById(store, ref) : campaignRowByName(store, ref);
  if (!row) throw notFound(store, ref);
  return fromRow(row);
}

/**
 * Every campaign by id, read in one query on either database: what a drain holds for a batch (a store has a handful
 * of campaigns, and each one's spec is compiled once per version).
 */
export async function loadCampaigns(db: Db): Promise<Map<number, Campaign>> {
  return new Map((await campaignRowsOn(db)).map((row) => [row.id, fromRow(row)]));
}

/** Campaigns by id, loaded once each (a batch of leads names a few). */
export function campaignsById(store: Store, ids: Iterable<number>): Map<number, Campaign> {
  const out = new Map<number, Campaign>();
  for (const id of new Set(ids)) out.set(id, getCampaign(store, id));
  return out;
}

/** The campaigns in a state (no lead counts: cheap on any store). */
export function campaignsInState(store: Store, state: CampaignState): Campaign[] {
  return campaignRows(store)
    .filter((row) => row.state === state)
    .map(fromRow);
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

export function listCampaigns(store: Store): CampaignSummary[] {
  const counts = campaignLeadCounts(store);
  return campaignRows(store).map((row) => {
    const c = fromRow(row);
    const byStatus = counts.get(c.id) ?? {};
    return {
      id: c.id, name: c.name, state: c.state, builtin: c.builtin, product: c.spec.offer.product, sender: c.spec.sender.name,
      steps: c.spec.sequence.length, leads: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, updatedAt: c.updatedAt,
    };
  });
}

export interface SaveResult {
  campaign: Campaign;
  created: boolean;
  warnings: LintReport['warnings'];
}

/**
 * Save a campaign: create it (as a draft, or `state`) or replace the spec of the one with its name. Refused, with
 * every error named, when the spec or its templates are wrong; nothing is written then. The demo is built in and
 * cannot be replaced.
 */
export function saveCampaign(store: Store, input: unknown, o: { state?: CampaignState; source?: string; now?: Date } = {}): SaveResult {
  const spec = parseCampaignSpec(input, o.source);
  if (spec.name === DEMO_CAMPAIGN_NAME) throw new LeadflowError('refused', `"${DEMO_CAMPAIGN_NAME}" is the built-in demo campaign; give yours another name`);
  const report = lintCampaign(spec, { customColumns: attributeNames(store) });
  if (report.errors.length) throw new CampaignLintError(report, spec.name);
  const now = (o.now ?? new Date()).toISOString();
  const json = JSON.stringify(spec);
  return store.tx(() => {
    const existing = campaignRowByName(store, spec.name);
    if (existing) {
      if (existing.state === 'finished') throw new LeadflowError('conflict', `campaign "${spec.name}" is finished; save it under a new name`);
      updateCampaignSpec(store, existing.id, json, now);
      if (o.state && o.state !== existing.state) setCampaignStateRow(store, existing.id, o.state, now);
      return { campaign: getCampaign(store, existing.id), created: false, warnings: report.warnings };
    }
    const id = insertCampaign(store, spec.name, json, o.state ?? 'draft', now);
    return { campaign: getCampaign(store, id), created: true, warnings: report.warnings };
  });
}

const NEXT_STATES: Readonly<Record<CampaignState, readonly CampaignState[]>> = {
  draft: ['active', 'finished'],
  active: ['paused', 'finished'],
  paused: ['active', 'finished'],
  finished: [],
};

/** Activate, pause, resume or finish a campaign; a move its state does not allow is refused, saying why. */
export function setCampaignState(store: Store, ref: string | number, state: CampaignState, now = new Date()): Campaign {
  return store.tx(() => {
    const c = getCampaign(store, ref);
    if (c.state === state) return c;
    if (!NEXT_STATES[c.state].includes(state)) {
      throw new LeadflowError('conflict', `campaign "${c.name}" is ${c.state}; it can become ${NEXT_STATES[c.state].join(' or ') || 'nothing else'}, not ${state}`);
    }
    setCampaignStateRow(store, c.id, state, now.toISOString());
    return getCampaign(store, c.id);
  });
}

/** A campaign leads may join now: any but a finished one. */
export function joinableCampaign(store: Store, ref: string | number): Campaign {
  return joinable(getCampaign(store, ref));
}

/** `joinableCampaign` on either database. */
export async function joinableCampaignOn(db: Db, ref: string | number): Promise<Campaign> {
  return joinable(campaignIn(await loadCampaigns(db), ref));
}

function joinable(c: Campaign): Campaign {
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
 * Put leads in a campaign. A lead no send has gone to moves, and if it was drafted for its old campaign it goes back
 * to ENRICHED to be written afresh for this one; a lead already written to stays with its campaign, and says so.
 */
export function addLeadsToCampaign(store: Store, ref: string | number, leadIds: readonly number[], now = new Date()): AddLeadsResult {
  return store.tx(() => {
    const c = joinableCampaign(store, ref);
    const at = now.toISOString();
    const unique = [...new Set(leadIds)];
    const before = campaignIdsOfLeads(store, unique);
    const moved = moveLeadsToCampaign(store, unique, c.id, at);
    advanceLeads(store, moved, 'MESSAGED', 'ENRICHED', at);
    const movedSet = new Set(moved);
    const result: AddLeadsResult = { campaign: c.name, added: moved, already: [], kept: [], unknown: [] };
    const names = new Map<number, string>();
    for (const id of unique) {
      const was = before.get(id);
      if (was === undefined) result.unknown.push(id);
      else if (movedSet.has(id)) continue;
      else if (was === c.id) result.already.push(id);
      else {
        if (!names.has(was)) names.set(was, getCampaign(store, was).name);
        result.kept.push({ leadId: id, campaign: names.get(was)! });
      }
    }
    return result;
  });
}
