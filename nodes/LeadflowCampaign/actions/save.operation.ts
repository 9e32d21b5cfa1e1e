/**
 * Create or Update: save a campaign, given as YAML or JSON (a campaign file's text, or an object from an expression)
 * or field by field. lib validates it and lints its templates: a wrong field or an unknown variable ({{frist_name}})
 * refuses the save, naming each problem, and nothing is written. A campaign of the same name is updated (its state
 * kept); "Activate" then makes it active, so its leads are sent. One output item per input item: the campaign, with
 * whether it was created and the linter's warnings.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { campaignSummary, saveCampaign, setCampaignState } from '../../../lib/campaigns/campaigns';
import { parseCampaignSpec, parseCampaignText, type CampaignSpec } from '../../../lib/campaigns/spec';
import { withNodeDb } from '../../shared/openNodeStore';
import { perItem, type Fail } from '../../shared/perItem';
import { campaignFieldProperties, campaignFromFields } from './campaignFields';
import { campaignJson } from './campaignJson';

const TEXT = 'Campaign (YAML or JSON)';

const properties: INodeProperties[] = [
  {
    displayName: 'Define With',
    name: 'definedBy',
    type: 'options',
    default: 'text',
    options: [
      { name: 'YAML or JSON', value: 'text', description: 'The whole campaign, as a campaign file holds it (or an object from an expression)' },
      { name: 'Fields', value: 'fields', description: 'Offer, sender and email steps, field by field' },
    ],
  },
  {
    displayName: TEXT,
    name: 'campaignText',
    type: 'string',
    typeOptions: { rows: 12 },
    required: true,
    default: '',
    placeholder: 'name: payroll-restaurants\noffer:\n  product: Tillpoint Payroll\n  ...',
    description: 'Name, offer, sender and sequence of templates, as in a campaign file (see the README); an expression may give the object itself',
    displayOptions: { show: { definedBy: ['text'] } },
  },
  ...campaignFieldProperties,
  {
    displayName: 'Activate',
    name: 'activate',
    type: 'boolean',
    default: false,
    description: "Whether to make the campaign active once saved, so its leads are sent. A draft's leads are written to, for a preview, but not sent.",
  },
];

export const description = updateDisplayOptions({ show: { operation: ['save'] } }, properties);

/** The campaign item `i` describes, checked by lib (every problem named) but not yet linted or saved. */
function campaignOf(fns: IExecuteFunctions, i: number, fail: Fail): CampaignSpec {
  if (fns.getNodeParameter('definedBy', i, 'text') === 'fields') return parseCampaignSpec(campaignFromFields(fns, i), 'the campaign fields');
  const given = fns.getNodeParameter('campaignText', i, '') as unknown;
  const source = `the ${TEXT} parameter`;
  if (given !== null && typeof given === 'object') return parseCampaignSpec(given, source);
  const text = String(given ?? '');
  if (!text.trim()) throw fail(`${TEXT} is empty: paste a campaign (name, offer, sender, sequence), or switch Define With to Fields`);
  return parseCampaignText(text, source);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const units = this.getInputData().map((_, itemIndex) => ({ itemIndex }));
  return withNodeDb(this, (store) =>
    perItem(this, units, async ({ itemIndex }, fail): Promise<IDataObject> => {
      const saved = await saveCampaign(store, campaignOf(this, itemIndex, fail));
      const activate = this.getNodeParameter('activate', itemIndex, false) as boolean;
      const campaign = activate ? await setCampaignState(store, saved.campaign.id, 'active') : saved.campaign;
      return campaignJson(
        await campaignSummary(store, campaign.id),
        { outcome: saved.created ? 'created' : 'updated' },
        { warnings: saved.warnings.map((w) => `${w.where}: ${w.message}`) },
      );
    }),
  );
}
