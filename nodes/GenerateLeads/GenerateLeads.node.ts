/**
 * Generate Leads: puts leads into the store and outputs one item per lead — synthetic ones from a seed (on reserved
 * .example domains, never mailed live), or the input items imported as leads (mapped, validated, deduplicated by
 * lib's importRows). A row that cannot be imported comes out as an item with its reason, paired to its input item.
 * Synthetic leads go in as the pipeline generates them: in batches, each inserted and read back in one transaction.
 */
import {
  NodeConnectionTypes,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { generateLeads, importRows, INDUSTRIES, type FieldMapping, type LeadInput, type Store } from '../../lib';
import { ingestStored } from '../../lib/leads/ingest';
import { leadsByIdsOn } from '../../lib/store/leads';
import type { Db } from '../../lib/store/db';
import { leadflowStoreConnectionTest } from '../shared/storeCredential';
import { COUNTRIES } from '../../lib/leads/countries';
import { MAPPABLE_FIELDS } from '../../lib/leads/columns';
import { storePathProperty } from '../shared/storeParameter';
import { withNodeDb } from '../shared/openNodeStore';
import { leadJson } from '../shared/leadJson';
import { nodeError } from '../shared/nodeError';
import { perBatch } from '../shared/perBatch';
import { byExpression, raw } from '../shared/subtitle';

const FIELD_LABELS: Record<string, string> = {
  firstName: 'First Name', lastName: 'Last Name', fullName: 'Full Name', email: 'Email', title: 'Job Title',
  company: 'Company', website: 'Website', linkedinUrl: 'LinkedIn URL', industry: 'Industry', country: 'Country',
  timezone: 'Timezone',
};

export class GenerateLeads implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Generate Leads',
    name: 'generateLeads',
    icon: { light: 'file:generateLeads.svg', dark: 'file:generateLeads.dark.svg' },
    group: ['input'],
    version: 1,
    subtitle: `={{${raw('mode')} === "import" ? "Import leads from input" : ${byExpression('count')} ? "Synthetic leads" : ${raw('count')} + (${raw('count')} == 1 ? " synthetic lead" : " synthetic leads")}}`,
    description: 'Create synthetic B2B leads or import leads from input items into the leadflow store',
    defaults: { name: 'Generate Leads' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [
      // Optional: without it the node uses its Store File (SQLite); with it, the PostgreSQL store every worker shares.
      // A database login, like n8n's own `postgres` credential: not an API.
      // eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
      { name: 'leadflowStore', required: false, testedBy: 'leadflowStoreConnectionTest' },
    ],
    properties: [
      {
        displayName: 'Mode',
        name: 'mode',
        type: 'options',
        noDataExpression: true,
        default: 'synthetic',
        options: [
          { name: 'Synthetic', value: 'synthetic', description: 'Made-up leads on reserved .example domains, for trying things out safely' },
          { name: 'Import From Input', value: 'import', description: 'Each input item becomes a lead: mapped, validated and deduplicated' },
        ],
      },
      {
        displayName: 'Count',
        name: 'count',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 1000000 },
        default: 10,
        description: 'How many synthetic leads to create',
        displayOptions: { show: { mode: ['synthetic'] } },
      },
      {
        displayName: 'Seed',
        name: 'seed',
        type: 'number',
        default: 42,
        description: 'The same seed gives the same leads; running again with it adds nothing new (duplicates are reported)',
        displayOptions: { show: { mode: ['synthetic'] } },
      },
      {
        displayName: 'Industry Names or IDs',
        name: 'industries',
        type: 'multiOptions',
        options: INDUSTRIES.map((i) => ({ name: i, value: i })),
        default: [],
        description: 'Only companies in these industries. Empty means all.',
        displayOptions: { show: { mode: ['synthetic'] } },
      },
      {
        displayName: 'Countries',
        name: 'countries',
        type: 'multiOptions',
        options: COUNTRIES.map((c) => ({ name: c.name, value: c.name })),
        default: [],
        description: 'Only companies in these countries. Empty means all.',
        displayOptions: { show: { mode: ['synthetic'] } },
      },
      {
        displayName: 'Field Mapping',
        name: 'mapping',
        type: 'fixedCollection',
        typeOptions: { multipleValues: true },
        placeholder: 'Add Mapping',
        default: {},
        description: 'Columns the common names would not find (email, "Work Email", "Job Title", "Company Name"… are found on their own)',
        displayOptions: { show: { mode: ['import'] } },
        options: [
          {
            displayName: 'Field',
            name: 'fields',
            values: [
              {
                displayName: 'Lead Field',
                name: 'field',
                type: 'options',
                options: MAPPABLE_FIELDS.map((f) => ({ name: FIELD_LABELS[f] ?? f, value: f })),
                default: 'email',
              },
              {
                displayName: 'Input Field',
                name: 'column',
                type: 'string',
                default: '',
                placeholder: 'Contact E-mail',
                description: 'Name of the field in the input items that holds this lead field',
              },
            ],
          },
        ],
      },
      {
        displayName: 'Source Label',
        name: 'sourceLabel',
        type: 'string',
        default: 'n8n',
        description: 'Recorded on each imported lead as where it came from',
        displayOptions: { show: { mode: ['import'] } },
      },
      storePathProperty,
    ],
  };

  methods = { credentialTest: { leadflowStoreConnectionTest } };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const mode = this.getNodeParameter('mode', 0, 'synthetic') as string;
    return [mode === 'import' ? await importFromItems(this) : await generateSynthetic(this)];
  }
}

async function generateSynthetic(fns: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const count = fns.getNodeParameter('count', 0, 10) as number;
  const seed = fns.getNodeParameter('seed', 0, 42) as number;
  const industries = fns.getNodeParameter('industries', 0, []) as string[];
  const countries = fns.getNodeParameter('countries', 0, []) as string[];
  let leads;
  try {
    leads = generateLeads({
      count,
      seed,
      industries: industries.length ? industries : undefined,
      countries: countries.length ? countries : undefined,
    });
  } catch (err) {
    throw nodeError(fns.getNode(), err);
  }
  // Every generated lead comes out, new or already stored, so a re-run still feeds the next node.
  return withNodeDb(fns, (store) =>
    perBatch(fns, leads.map((lead) => ({ itemIndex: 0, lead })), { work: (batch) => storeBatch(store, batch.map((u) => u.lead)) }),
  );
}

/** Insert a batch of generated leads and read each back as stored (an earlier run's lead for a duplicate). */
async function storeBatch(store: Db, leads: LeadInput[]): Promise<IDataObject[]> {
  return (await ingestStored(store, leads)).map((r, index) =>
    r.lead
      ? leadJson(r.lead, r.outcome === 'duplicate' ? { outcome: 'duplicate', reason: r.reason } : { outcome: 'inserted' })
      : { ...(leads[index] as unknown as IDataObject), leadflow: { outcome: 'rejected', reason: r.reason } },
  );
}

async function importFromItems(fns: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const items = fns.getInputData();
  const pairs = (fns.getNodeParameter('mapping.fields', 0, []) as { field: string; column: string }[]).filter((p) => p.column);
  const mapping = Object.fromEntries(pairs.map((p) => [p.field, p.column])) as FieldMapping;
  const source = (fns.getNodeParameter('sourceLabel', 0, 'n8n') as string) || 'n8n';
  return withNodeDb(fns, async (store) => {
    const report = await importRows(store, items.map((item) => item.json as Record<string, unknown>), { mapping, source });
    const rejected = new Map(report.rejected.map((r) => [r.rowNumber - 1, r.reason]));
    const stored = await leadsByIdsOn(store, report.ids);
    let nextId = 0;
    return items.map((item, index): INodeExecutionData => {
      const reason = rejected.get(index);
      if (reason !== undefined) {
        // The row as it came in, with why it was left out: an IF node can route these to a "fix me" sheet.
        return { json: { ...item.json, leadflow: { outcome: 'rejected', reason } }, pairedItem: { item: index } };
      }
      const full = stored.get(report.ids[nextId++]);
      return { json: full ? leadJson(full, { outcome: 'inserted' }) : { ...item.json }, pairedItem: { item: index } };
    });
  });
}
