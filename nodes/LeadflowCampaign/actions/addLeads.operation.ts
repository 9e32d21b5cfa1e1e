/**
 * Add Leads: the leads the input items name (by leadId, id or email, as every leadflow node outputs them) join the
 * chosen campaign, through lib's addLeadsToCampaign. A lead drafted for its old campaign goes back to ENRICHED, to be
 * written afresh for this one; a lead its campaign has already sent to (a dry run counts) stays there, and its item
 * says so. One output item per input item, paired with it; an item naming no stored lead fails before anything moves.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { errorMessage } from '../../../lib/errors';
import { leadsByIdsOn } from '../../../lib/store/leads';
import { addLeadsToCampaign, type AddLeadsResult, type Campaign } from '../../../lib/campaigns/campaigns';
import { withNodeDb } from '../../shared/openNodeStore';
import { leadReferences, missingLead, type LeadTarget } from '../../shared/leadSource';
import { leadJson } from '../../shared/leadJson';
import { perBatch } from '../../shared/perBatch';
import { requiredCampaign } from './requiredCampaign';

const PRODUCER = 'Generate Leads';

export const description = updateDisplayOptions({ show: { operation: ['addLeads'] } }, [] as INodeProperties[]);

type Unit = LeadTarget & { campaign: Campaign | string };

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return withNodeDb(this, async (store) => {
    // Each item's campaign (an expression may differ per item), looked up once per name; a bad one fails its items.
    const campaigns = new Map<string, Campaign | string>();
    const campaignOf = async (itemIndex: number): Promise<Campaign | string> => {
      const ref = String(this.getNodeParameter('campaign', itemIndex, '') ?? '').trim();
      if (!campaigns.has(ref)) {
        try {
          campaigns.set(ref, await requiredCampaign(this, store, itemIndex));
        } catch (err) {
          campaigns.set(ref, errorMessage(err));
        }
      }
      return campaigns.get(ref)!;
    };
    const units: Unit[] = [];
    for (const t of await leadReferences(this.getInputData(), store)) units.push({ ...t, campaign: await campaignOf(t.itemIndex) });
    return perBatch(this, units, {
      refuse: (u) => (typeof u.campaign === 'string' ? u.campaign : missingLead(u, PRODUCER)),
      work: async (batch) => {
        const byCampaign = new Map<number, number[]>();
        for (const u of batch) {
          const id = (u.campaign as Campaign).id;
          byCampaign.set(id, [...(byCampaign.get(id) ?? []), u.leadId!]);
        }
        const results = new Map<number, Outcomes>();
        for (const [campaignId, leadIds] of byCampaign) results.set(campaignId, outcomes(await addLeadsToCampaign(store, campaignId, leadIds)));
        const leads = await leadsByIdsOn(store, batch.map((u) => u.leadId!));
        return batch.map((u): IDataObject => {
          const r = results.get((u.campaign as Campaign).id)!;
          const leadId = u.leadId!;
          const keptBy = r.kept.get(leadId);
          const outcome = keptBy !== undefined
            ? { outcome: 'kept', reason: `campaign "${keptBy}" has already sent to lead ${leadId} (a dry run counts): it stays there` }
            : { outcome: r.added.has(leadId) ? 'added' : 'already_in' };
          return leadJson(leads.get(leadId)!, outcome, { campaign: r.campaign });
        });
      },
    });
  });
}

interface Outcomes {
  campaign: string;
  added: Set<number>;
  /** Lead id → the campaign it stays in. */
  kept: Map<number, string>;
}

function outcomes(r: AddLeadsResult): Outcomes {
  return { campaign: r.campaign, added: new Set(r.added), kept: new Map(r.kept.map((k) => [k.leadId, k.campaign])) };
}
