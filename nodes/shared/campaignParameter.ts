/**
 * The Campaign parameter: which campaign a node works for. Its dropdown is read from the node's own store (the
 * PostgreSQL store of its Leadflow Store credential, else the Store File parameter, as the editor holds them), each campaign with its state, offer, sender and lead count. The value is
 * the campaign's name, so an exported workflow means the same campaign on another machine's store; an expression may
 * give a name or an id. A stage node's list starts with a choice for every campaign (value ''), its default.
 */
import type { IDisplayOptions, IExecuteFunctions, ILoadOptionsFunctions, INode, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { StoredLead } from '../../lib';
import { leadsByIdsOn } from '../../lib/store/leads';
import type { Db } from '../../lib/store/db';
import { campaignIn, listCampaigns, loadCampaigns, type Campaign } from '../../lib/campaigns/campaigns';
import { nodeError } from './nodeError';
import { withOptionsDb } from './openNodeStore';

export const EVERY_CAMPAIGN = '';

export function campaignProperty(o: { description: string; displayOptions?: IDisplayOptions; required?: boolean }): INodeProperties {
  return {
    displayName: 'Campaign Name or ID',
    name: 'campaign',
    type: 'options',
    typeOptions: { loadOptionsMethod: 'listCampaigns', loadOptionsDependsOn: ['storePath'] },
    default: EVERY_CAMPAIGN,
    ...(o.required ? { required: true } : {}),
    description: `${o.description}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
    ...(o.displayOptions ? { displayOptions: o.displayOptions } : {}),
  };
}

/**
 * The Campaign dropdown's loadOptions method (`listCampaigns`), with `every` as its first choice when the node can
 * work for every campaign at once.
 */
export function campaignOptions(every?: { name: string; description: string }) {
  return async function listCampaignsOfStore(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
    // As the editor holds them, expressions resolved (the dynamic parameters service builds the node from those values).
    const campaigns = (await withOptionsDb(this, listCampaigns)).map((c) => ({
      name: `${c.name} (${c.state})`,
      value: c.name,
      description: [c.builtin ? 'Built-in: synthetic leads, the built-in templates' : `${c.product} · from ${c.sender}`, `${c.leads} lead${c.leads === 1 ? '' : 's'}`].join(' · '),
    }));
    return every ? [{ name: every.name, value: EVERY_CAMPAIGN, description: every.description }, ...campaigns] : campaigns;
  };
}

/**
 * A campaign by name, else by id. When the store has neither: lib's input error for the name, naming the campaigns
 * there are, as the NodeOperationError it leaves the node as (nodeError.ts; the item loops name its item).
 */
function byNameOrId(node: INode, ref: string, get: (ref: string | number) => Campaign): Campaign {
  try {
    return get(ref);
  } catch (err) {
    if (!/^\d+$/.test(ref)) throw nodeError(node, err);
    try {
      return get(Number(ref));
    } catch {
      throw nodeError(node, err);
    }
  }
}

/** The campaign the node's Campaign parameter names for this item, or undefined for every campaign. */
export async function chosenCampaignOn(fns: IExecuteFunctions, db: Db, itemIndex = 0): Promise<Campaign | undefined> {
  const ref = String(fns.getNodeParameter('campaign', itemIndex, EVERY_CAMPAIGN) ?? '').trim();
  if (ref === EVERY_CAMPAIGN) return undefined;
  const campaigns = await loadCampaigns(db);
  return byNameOrId(fns.getNode(), ref, (r) => campaignIn(campaigns, r));
}

/**
 * The leads among `leadIds` that belong to another campaign than `campaign`, each with why a node working for
 * `campaign` leaves it alone — and what moves it.
 */
export async function leadsOutsideCampaign(db: Db, leadIds: readonly number[], campaign: Campaign): Promise<Map<number, { lead: StoredLead; reason: string }>> {
  const out = new Map<number, { lead: StoredLead; reason: string }>();
  const leads = [...(await leadsByIdsOn(db, leadIds)).values()].filter((lead) => lead.campaignId !== campaign.id);
  if (leads.length === 0) return out;
  const campaigns = await loadCampaigns(db);
  for (const lead of leads) {
    const reason = `lead ${lead.id} is in campaign "${campaignIn(campaigns, lead.campaignId).name}", not "${campaign.name}": Leadflow Campaign's Add Leads moves it`;
    out.set(lead.id, { lead, reason });
  }
  return out;
}
