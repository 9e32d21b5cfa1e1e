/**
 * Preview: what the campaign would write, before anything is queued — for each step, channel and variant, the
 * message a few of its leads (those with an enrichment) would get, or a sample lead when it has none yet, rendered by
 * the same drafter Personalize Messages uses and held to the copy contract. Writes nothing. One output item per
 * rendered message, paired with the input item that asked, so a Sheets or Email node can pass it on for review.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { previewCampaign } from '../../../lib/campaigns/preview';
import { withNodeDb } from '../../shared/openNodeStore';
import { perItem } from '../../shared/perItem';
import { requiredCampaign } from './requiredCampaign';

const properties: INodeProperties[] = [
  {
    displayName: 'Leads to Show',
    name: 'previewLeads',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 20 },
    default: 2,
    description: "How many of the campaign's enriched leads to render each message for (a sample lead when it has none)",
  },
];

export const description = updateDisplayOptions({ show: { operation: ['preview'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const units = this.getInputData().map((_, itemIndex) => ({ itemIndex }));
  const previews = await withNodeDb(this, (store) =>
    perItem(this, units, async ({ itemIndex }): Promise<IDataObject> => {
      const campaign = await requiredCampaign(this, store, itemIndex);
      const p = await previewCampaign(store, campaign.id, { leads: this.getNodeParameter('previewLeads', itemIndex, 2) as number });
      const warnings = p.warnings.map((w) => `${w.where}: ${w.message}`);
      return { samples: p.samples.map((sample) => ({ campaign: p.campaign.name, ...sample, warnings })) as unknown as IDataObject[] };
    }),
  );
  // One item per rendered message; an item that failed (Continue On Fail) stays one error item.
  return previews.flatMap((item) =>
    Array.isArray(item.json.samples) ? (item.json.samples as IDataObject[]).map((json) => ({ json, pairedItem: item.pairedItem })) : [item],
  );
}
