/**
 * The output schemas n8n 2.x shows for our nodes before they run, made from what the nodes really output: each node
 * and operation runs once through n8n's engine (n8nEngine.ts) on one scenario — synthetic and imported leads taken
 * through the pipeline, a campaign taken through its states, a reply, a bounce and an unsubscribe recorded — and its
 * items' JSON is read into a JSON schema the way n8n's editor reads run data (every key of every item, one schema
 * per array's elements). The files are where n8n looks for them (n8n-core's resolveOutputSchemaPath): beside the
 * node's file, `__schema__/v1.0.0.json` for a node without an Operation parameter, `__schema__/v1.0.0/<operation>.json`
 * for one with it. `npm run schemas` writes them; test/n8n.outputSchemas.test.ts holds them to the nodes' output.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';
import { GenerateLeads } from '../../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { SendOutreach } from '../../nodes/SendOutreach/SendOutreach.node.ts';
import { OutreachMetrics } from '../../nodes/OutreachMetrics/OutreachMetrics.node.ts';
import { LeadflowCampaign } from '../../nodes/LeadflowCampaign/LeadflowCampaign.node.ts';
import { runNode } from './n8nEngine';

const repo = join(__dirname, '..', '..');

/** The version folder: n8n pads the node's typeVersion (1) to three parts. */
export const SCHEMA_VERSION = 'v1.0.0';

export interface JsonSchema {
  type: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

/** A schema file as n8n's own nodes ship them: a revision number, then an object schema. */
export type SchemaFile = JsonSchema & { version: number };

/** Every node class n8n loads from this package, by the folder it lives in. */
export const NODES: Record<string, () => INodeType> = {
  GenerateLeads: () => new GenerateLeads(),
  EnrichLeads: () => new EnrichLeads(),
  PersonalizeMessages: () => new PersonalizeMessages(),
  SendOutreach: () => new SendOutreach(),
  OutreachMetrics: () => new OutreachMetrics(),
  LeadflowCampaign: () => new LeadflowCampaign(),
};

/** The operations of a node (its Operation parameter's values), or [] for a node without one. */
export function operationsOf(node: INodeType): string[] {
  const operation = node.description.properties.find((p) => p.name === 'operation');
  return (operation?.options ?? []).map((o) => String((o as { value: unknown }).value));
}

/** Where n8n looks for a node's schema: repo-relative, under nodes/ (the build copies it beside the node's .js). */
export function schemaPath(folder: string, operation?: string): string {
  return join('nodes', folder, '__schema__', operation ? join(SCHEMA_VERSION, `${operation}.json`) : `${SCHEMA_VERSION}.json`);
}

/** Every schema path this package should ship: one per node without operations, one per operation otherwise. */
export function expectedSchemaPaths(): string[] {
  return Object.entries(NODES).flatMap(([folder, make]) => {
    const ops = operationsOf(make());
    return ops.length ? ops.map((op) => schemaPath(folder, op)) : [schemaPath(folder)];
  });
}

function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/**
 * One schema for all `values`: their types in the order first seen (null last); an object's properties from every
 * object that has them, in the order first seen; an array's items from every element of every array. A nullable
 * object or array is written as its own type only: n8n's editor reads a type list by its first entry, and shows an
 * object's fields only when `type` is exactly "object".
 */
export function schemaOf(values: unknown[]): JsonSchema {
  const types = [...new Set(values.map(typeOf))];
  const nonNull = types.filter((t) => t !== 'null');
  const schema: JsonSchema = { type: 'null' };
  if (nonNull.includes('object') || nonNull.includes('array')) {
    schema.type = nonNull.length === 1 ? nonNull[0] : nonNull;
  } else if (nonNull.length) {
    const list = types.includes('null') ? [...nonNull, 'null'] : nonNull;
    schema.type = list.length === 1 ? list[0] : list;
  }
  if (nonNull.includes('object')) {
    const objects = values.filter((v): v is Record<string, unknown> => typeOf(v) === 'object');
    const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    schema.properties = Object.fromEntries(keys.map((k) => [k, schemaOf(objects.filter((o) => k in o).map((o) => o[k]))]));
  }
  if (nonNull.includes('array')) {
    const elements = values.filter(Array.isArray).flat();
    if (elements.length) schema.items = schemaOf(elements);
  }
  return schema;
}

function fileOf(items: INodeExecutionData[], what: string): SchemaFile {
  if (items.length === 0) throw new Error(`${what} output no items in the schema scenario: it needs one to describe`);
  const { type, properties } = schemaOf(items.map((i) => i.json));
  if (type !== 'object' || !properties || Object.keys(properties).length === 0) throw new Error(`${what} output items with no fields`);
  return { version: 1, type, properties };
}

const CAMPAIGN_YAML = () => readFileSync(join(repo, 'test', 'fixtures', 'campaigns', 'payroll-restaurants.yaml'), 'utf8');

/** Prospects as a CRM exports them, with a column no lead field reads (kept as an attribute). */
const PROSPECTS: IDataObject[] = [
  { Email: 'rosa.mendes@lisbonbistro.example', 'First Name': 'Rosa', 'Last Name': 'Mendes', 'Job Title': 'Finance Director', Company: 'Lisbon Bistro Group', Website: 'https://lisbonbistro.example', Sites: '9' },
  { Email: 'tom.berg@nordkitchen.example', 'First Name': 'Tom', 'Last Name': 'Berg', 'Job Title': 'CFO', Company: 'Nord Kitchen', Website: 'https://nordkitchen.example', Sites: '14' },
  { Email: 'ines.roy@galette.example', 'First Name': 'Ines', 'Last Name': 'Roy', 'Job Title': 'Controller', Company: 'Galette & Co', Website: 'https://galette.example', Sites: '6' },
];

const REPLY = (to: string) =>
  [`From: ${to}`, 'To: alex@sender.example', 'Subject: Re: payroll', 'Message-ID: <reply-1@lisbonbistro.example>', '', 'Yes, this sounds interesting. Can we talk on Tuesday?', ''].join('\r\n');

/**
 * Runs the scenario on a fresh store and returns every schema file by its repo-relative path. Everything is a dry
 * run: nothing is mailed.
 */
export async function generateOutputSchemas(): Promise<Map<string, SchemaFile>> {
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-schemas-'));
  const storePath = join(dir, 'leadflow.db');
  const out = new Map<string, SchemaFile>();
  const run = async (folder: string, parameters: INodeParameters, input?: IDataObject[]) => {
    const r = await runNode(NODES[folder](), { parameters: { storePath, ...parameters }, input });
    const what = `${folder}${parameters.operation ? ' ' + String(parameters.operation) : ''}`;
    if (r.error) throw new Error(`${what} failed in the schema scenario: ${r.error}`);
    return { items: r.items, what };
  };
  const json = (items: INodeExecutionData[]) => items.map((i) => i.json);
  const record = (folder: string, operation: string | undefined, ...runs: { items: INodeExecutionData[]; what: string }[]) =>
    out.set(schemaPath(folder, operation), fileOf(runs.flatMap((r) => r.items), runs[0].what));
  try {
    // Leads: synthetic ones (new, then the same seed again: duplicates), and prospects imported from items.
    const generated = await run('GenerateLeads', { count: 3, seed: 11 });
    const again = await run('GenerateLeads', { count: 1, seed: 11 });
    const imported = await run('GenerateLeads', { mode: 'import', sourceLabel: 'crm' }, PROSPECTS);
    record('GenerateLeads', undefined, generated, again, imported);

    // The campaign: saved, given the prospects, activated; previewed, listed; paused, resumed.
    const campaign = 'payroll-restaurants';
    const saved = await run('LeadflowCampaign', { operation: 'save', campaignText: CAMPAIGN_YAML() });
    const added = await run('LeadflowCampaign', { operation: 'addLeads', campaign }, json(imported.items));
    const activated = await run('LeadflowCampaign', { operation: 'activate', campaign });
    record('LeadflowCampaign', 'save', saved);
    record('LeadflowCampaign', 'addLeads', added);
    record('LeadflowCampaign', 'activate', activated);

    // The pipeline, item by item: every lead enriched, written and sent (a dry run).
    const leads = [...json(generated.items), ...json(added.items)];
    const enriched = await run('EnrichLeads', {}, leads);
    record('EnrichLeads', undefined, enriched);
    const written = await run('PersonalizeMessages', { channels: ['email', 'linkedin'] }, json(enriched.items));
    record('PersonalizeMessages', undefined, written);
    record('LeadflowCampaign', 'preview', await run('LeadflowCampaign', { operation: 'preview', campaign }));
    const sent = await run('SendOutreach', { operation: 'send', channels: ['email', 'linkedin'], mode: 'sendAll' }, json(written.items));
    record('SendOutreach', 'send', sent);

    // What came back: a reply (its intent read), a bounce and an unsubscribe.
    const [first, second, third] = json(sent.items).map((j) => String(j.email));
    const reply = await run('SendOutreach', { operation: 'recordEvent', eventType: 'reply', email: first, raw: REPLY(first) });
    const bounce = await run('SendOutreach', { operation: 'recordEvent', eventType: 'bounce', email: second });
    const unsubscribe = await run('SendOutreach', { operation: 'recordEvent', eventType: 'unsubscribe', email: third });
    record('SendOutreach', 'recordEvent', reply, bounce, unsubscribe);

    // The figures, for the whole store and for the campaign.
    record('OutreachMetrics', 'funnel', await run('OutreachMetrics', { operation: 'funnel' }), await run('OutreachMetrics', { operation: 'funnel', campaign }));
    record('OutreachMetrics', 'variants', await run('OutreachMetrics', { operation: 'variants' }));
    record('OutreachMetrics', 'leads', await run('OutreachMetrics', { operation: 'leads', limit: 10 }));
    record('OutreachMetrics', 'export', await run('OutreachMetrics', { operation: 'export' }));

    record('LeadflowCampaign', 'list', await run('LeadflowCampaign', { operation: 'list' }));
    record('LeadflowCampaign', 'pause', await run('LeadflowCampaign', { operation: 'pause', campaign }));
    record('LeadflowCampaign', 'resume', await run('LeadflowCampaign', { operation: 'resume', campaign }));
    record('LeadflowCampaign', 'finish', await run('LeadflowCampaign', { operation: 'finish', campaign }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** A schema file's text as written: two-space JSON and a final newline. */
export function schemaText(file: SchemaFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}

/** `npm run schemas`: (re)write every schema file from the nodes' real output. */
async function main(): Promise<void> {
  const files = await generateOutputSchemas();
  for (const [path, file] of files) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), schemaText(file));
    console.log(`wrote ${path}`);
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
