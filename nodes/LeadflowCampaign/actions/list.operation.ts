/**
 * List: the store's campaigns, one output item each — state, offer, sender, steps, leads and their statuses — the
 * built-in demo first. Optionally only those in some states (e.g. the active ones, for a workflow that sends each).
 */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { listCampaigns } from '../../../lib/campaigns/campaigns';
import { CAMPAIGN_STATES, type CampaignState } from '../../../lib/campaigns/spec';
import { withNodeDb } from '../../shared/openNodeStore';
import { campaignJson } from './campaignJson';

const properties: INodeProperties[] = [
  {
    displayName: 'States',
    name: 'states',
    type: 'multiOptions',
    default: [],
    options: CAMPAIGN_STATES.map((s) => ({ name: s.charAt(0).toUpperCase() + s.slice(1), value: s })),
    description: 'Only campaigns in these states. Empty means all.',
  },
];

export const description = updateDisplayOptions({ show: { operation: ['list'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return withNodeDb(this, async (store) => {
    const campaigns = await listCampaigns(store);
    return this.getInputData().flatMap((_, itemIndex) => {
      const states = this.getNodeParameter('states', itemIndex, []) as CampaignState[];
      return campaigns
        .filter((c) => states.length === 0 || states.includes(c.state))
        .map((c) => ({ json: campaignJson(c, { outcome: 'listed' }), pairedItem: { item: itemIndex } }));
    });
  });
}
