/**
 * Outreach Metrics: what the store says — the funnel and its conversions, per-variant figures for the A/B test, a
 * list of leads (one item each, for Sheets, IF or a CRM node), or every lead as a CSV/JSON Lines file. The first
 * three for the whole store or one campaign.
 */
import { Writable } from 'node:stream';
import {
  NodeConnectionTypes,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { exportLeads, getMetrics, type ExportFormat, type LeadStatus } from '../../lib';
import { listLeadsOf } from '../../lib/store/leads';
import { storePathProperty } from '../shared/storeParameter';
import { withNodeDb } from '../shared/openNodeStore';
import { leadflowStoreConnectionTest } from '../shared/storeCredential';
import { leadJson } from '../shared/leadJson';
import { limitProperty, statusProperty } from '../shared/leadFilterProperties';
import { campaignOptions, campaignProperty, chosenCampaignOn } from '../shared/campaignParameter';
import { byExpression, raw } from '../shared/subtitle';

const op = (value: string) => `(${raw('operation')} === "${value}")`;

export class OutreachMetrics implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Outreach Metrics',
    name: 'outreachMetrics',
    icon: { light: 'file:outreachMetrics.svg', dark: 'file:outreachMetrics.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      `={{(${op('variants')} ? "Figures per variant" : ${op('leads')} ? "List leads" : ${op('export')} ? "Export leads as " + (${raw('format')} === "json" ? "JSON Lines" : "CSV") : "Funnel")` +
      ` + (!${op('export')} && ${raw('campaign')} && !${byExpression('campaign')} ? " of " + ${raw('campaign')} : "")}}`,
    description: 'Funnel, A/B variant figures, lead lists and exports from the leadflow store',
    defaults: { name: 'Outreach Metrics' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [
      // The store is PostgreSQL when set (n8n queue mode: every worker reads one store); otherwise the Store File.
      // eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
      { name: 'leadflowStore', required: false, testedBy: 'leadflowStoreConnectionTest' },
    ],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        default: 'funnel',
        options: [
          { name: 'Funnel', value: 'funnel', action: 'Get the outreach funnel', description: 'One item: counts by status, the funnel, sends and health' },
          { name: 'Per Variant', value: 'variants', action: 'Get figures per variant', description: 'One item per A/B variant: leads, sent, replied, reply rate' },
          { name: 'List Leads', value: 'leads', action: 'List leads', description: 'One item per lead, optionally of one status' },
          { name: 'Export File', value: 'export', action: 'Export leads as a file', description: 'Every lead (of a status) as a CSV or JSON Lines file' },
        ],
      },
      campaignProperty({
        description: 'The whole store, or only this campaign: its funnel, its A/B variants (per step inside the funnel) and its leads',
        displayOptions: { show: { operation: ['funnel', 'variants', 'leads'] } },
      }),
      statusProperty({ any: true, description: 'Only leads in this status', displayOptions: { show: { operation: ['leads', 'export'] } } }),
      {
        displayName: 'Search',
        name: 'search',
        type: 'string',
        default: '',
        description: 'Only leads whose name, email, company or title has words starting with these (every word must match; case and accents are ignored)',
        displayOptions: { show: { operation: ['leads'] } },
      },
      limitProperty({ show: { operation: ['leads'] } }),
      {
        displayName: 'Format',
        name: 'format',
        type: 'options',
        default: 'csv',
        options: [
          { name: 'CSV', value: 'csv' },
          { name: 'JSON Lines', value: 'json' },
        ],
        displayOptions: { show: { operation: ['export'] } },
      },
      {
        displayName: 'Put Output File in Field',
        name: 'binaryPropertyName',
        type: 'string',
        default: 'data',
        hint: 'The name of the output binary field to put the file in',
        displayOptions: { show: { operation: ['export'] } },
      },
      storePathProperty,
    ],
  };

  methods = {
    loadOptions: { listCampaigns: campaignOptions({ name: 'Every Campaign', description: 'The whole store' }) },
    credentialTest: { leadflowStoreConnectionTest },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const operation = this.getNodeParameter('operation', 0, 'funnel') as string;
    const paired = { item: 0 };
    return [
      await withNodeDb(this, async (store): Promise<INodeExecutionData[]> => {
        const campaign = operation === 'export' ? undefined : await chosenCampaignOn(this, store);
        if (operation === 'funnel') return [{ json: (await getMetrics(store, { campaign: campaign?.name })) as unknown as IDataObject, pairedItem: paired }];
        if (operation === 'variants') {
          return (await getMetrics(store, { campaign: campaign?.name })).variants.map((v) => ({
            json: { ...v, replyRatePct: v.sent === 0 ? 0 : Math.round((v.replied / v.sent) * 1000) / 10 },
            pairedItem: paired,
          }));
        }
        const status = (this.getNodeParameter('status', 0, '') as string) || undefined;
        if (operation === 'leads') {
          const search = (this.getNodeParameter('search', 0, '') as string) || undefined;
          const limit = this.getNodeParameter('limit', 0, 50) as number;
          return (await listLeadsOf(store, { status: status as LeadStatus | undefined, search, limit, campaignId: campaign?.id })).leads.map((lead) => ({
            json: leadJson(lead, { outcome: 'listed' }),
            pairedItem: paired,
          }));
        }
        const format = this.getNodeParameter('format', 0, 'csv') as ExportFormat;
        const field = this.getNodeParameter('binaryPropertyName', 0, 'data') as string;
        const chunks: Buffer[] = [];
        const sink = new Writable({
          write(chunk, _encoding, done) {
            chunks.push(Buffer.from(chunk));
            done();
          },
        });
        const count = await exportLeads(store, sink, { status: status as LeadStatus | undefined, format });
        const fileName = `leads${status ? '-' + status.toLowerCase() : ''}.${format === 'csv' ? 'csv' : 'jsonl'}`;
        const binary = await this.helpers.prepareBinaryData(Buffer.concat(chunks), fileName, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
        return [{ json: { count, fileName, format }, binary: { [field]: binary }, pairedItem: paired }];
      }),
    ];
  }
}
