import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IDataObject, ILoadOptionsFunctions, INodeExecutionData } from 'n8n-workflow';
import { openStore, countLeadsByStatus, fallbacksFor, getLeadByEmail } from '../lib';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { LeadflowGroqApi } from '../credentials/LeadflowGroqApi.credentials.ts';
import { runNode } from './support/n8nEngine';
import { runCredentialTestRequest } from './support/n8nCredentialTest';
import { answer, good, startGroqServer, type ChatScript, type GroqServer } from './support/groqServer';
import { dataOf } from './support/groqFakeModel';
import { tempStorePath } from './support/tmp';

const jsonOf = (items: INodeExecutionData[]) => items.map((i) => i.json as IDataObject);
const leadflow = (item: INodeExecutionData) => item.json.leadflow as { outcome: string; via?: string; reason?: string };

async function groq(t: TestContext, chat?: ChatScript): Promise<GroqServer> {
  const server = await startGroqServer({ chat });
  t.after(() => server.close());
  return server;
}

/** Three leads at three companies, so each company is asked once and none is served from another's answer. */
const threeCompanies = [
  { email: 'ana@northwind.test', name: 'Ana Lopez', title: 'CFO', company: 'Northwind', country: 'Spain', website: 'https://northwind.test' },
  { email: 'ben@contoso.test', name: 'Ben Okafor', title: 'VP Operations', company: 'Contoso', country: 'Germany', website: 'https://contoso.test' },
  { email: 'cy@fabrikam.test', name: 'Cy Tanaka', title: 'Head of IT', company: 'Fabrikam', country: 'France', website: 'https://fabrikam.test' },
];

async function importThree(storePath: string) {
  const { items, error } = await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: threeCompanies });
  assert.equal(error, undefined);
  assert.equal(items.length, 3);
  return jsonOf(items);
}

const credentialsFor = (server: GroqServer) => ({ leadflowGroqApi: { apiKey: 'gsk_test_key', baseUrl: server.baseURL } });

test('Enrich Leads in AI mode has the model profile each company, with provenance "model" on the company fields', async (t) => {
  const server = await groq(t);
  const storePath = tempStorePath(t);
  const { items, error } = await runNode(new EnrichLeads(), {
    parameters: { storePath, method: 'ai' },
    input: await importThree(storePath),
    credentials: credentialsFor(server),
  });
  assert.equal(error, undefined);
  assert.deepEqual(items.map((i) => [leadflow(i).outcome, leadflow(i).via]), Array(3).fill(['enriched', 'model']));
  for (const item of items) {
    const e = item.json.enrichment as { provenance: Record<string, string>; source: string; painPoints: string[] };
    assert.equal(e.provenance.companySize, 'model');
    assert.equal(e.provenance.painPoints, 'model');
    assert.equal(e.source, 'openai/gpt-oss-120b');
    assert.deepEqual(e.painPoints, ['manual reconciliation between systems', 'slow approval workflows']);
  }
  assert.equal(server.chatRequests().length, 3, 'one profile request per company');
  assert.ok(server.chatRequests().every((r) => r.authorization === 'Bearer gsk_test_key' && r.body.model === 'openai/gpt-oss-120b'));
  const store = openStore(storePath);
  t.after(() => store.close());
  assert.deepEqual(countLeadsByStatus(store), { ENRICHED: 3 });
});

test('a company the model cannot profile falls back to the rules for its lead, with the reason, and the others keep the model', async (t) => {
  let failingDomain = '';
  const server = await groq(t, (body) => {
    const domain = String(dataOf(body).domain ?? '');
    failingDomain ||= domain;
    return domain === failingDomain ? answer('{"companySize": "51-200", "painPoints": [') : good(body);
  });
  const storePath = tempStorePath(t);
  const { items, error } = await runNode(new EnrichLeads(), {
    parameters: { storePath, method: 'ai' },
    input: await importThree(storePath),
    credentials: credentialsFor(server),
  });
  assert.equal(error, undefined);
  assert.deepEqual(items.map((i) => leadflow(i).outcome), ['enriched', 'enriched', 'enriched']);
  const fell = items.filter((i) => leadflow(i).via === 'rules');
  assert.equal(fell.length, 1, 'exactly the lead of the failing company');
  assert.match(String(leadflow(fell[0]).reason), /not valid JSON/);
  assert.equal((fell[0].json.enrichment as { provenance: Record<string, string> }).provenance.companySize, 'rule');
  assert.equal(items.filter((i) => leadflow(i).via === 'model').length, 2);
  const store = openStore(storePath);
  t.after(() => store.close());
  const [fallback] = await fallbacksFor(store, getLeadByEmail(store, String(fell[0].json.email))!.id);
  assert.equal(fallback.usedInstead, 'rules-v1');
});

test('Personalize Messages in AI mode stores the model\'s drafts, and a channel the model fails gets the template with the reason', async (t) => {
  let failingCompany = '';
  const server = await groq(t, (body) => {
    if (body.response_format?.json_schema?.name === 'company_profile') return good(body);
    const company = String((dataOf(body).recipient as Record<string, string> | undefined)?.company ?? '');
    failingCompany ||= company;
    return company === failingCompany ? answer('not json at all') : good(body);
  });
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 2 } });
  const credentials = credentialsFor(server);
  const enriched = await runNode(new EnrichLeads(), { parameters: { storePath, method: 'ai' }, input: jsonOf(generated.items), credentials });
  const { items, error } = await runNode(new PersonalizeMessages(), { parameters: { storePath, method: 'ai' }, input: jsonOf(enriched.items), credentials });
  assert.equal(error, undefined);
  assert.deepEqual(items.map((i) => leadflow(i).outcome), ['messaged', 'messaged']);
  const byModel = items.find((i) => leadflow(i).via === 'model')!;
  const byTemplate = items.find((i) => leadflow(i).via === 'template')!;
  assert.ok(byModel && byTemplate, `one lead by each: ${JSON.stringify(items.map((i) => leadflow(i)))}`);
  assert.deepEqual((byModel.json.messages as { source: string }[]).map((m) => m.source), ['groq:openai/gpt-oss-120b']);
  assert.match(String(byModel.json.subject), /^A quick idea for /);
  assert.deepEqual((byTemplate.json.messages as { source: string }[]).map((m) => m.source), ['templates-v1']);
  assert.match(String(leadflow(byTemplate).reason), /^email: /);
});

test('AI mode without a Groq credential fails with a message naming the credential', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 1 } });
  const { error } = await runNode(new EnrichLeads(), { parameters: { storePath, method: 'ai' }, input: jsonOf(generated.items) });
  assert.match(String(error), /AI mode needs a Leadflow Groq API credential/);
  const store = openStore(storePath);
  t.after(() => store.close());
  assert.deepEqual(countLeadsByStatus(store), { NEW: 1 }, 'the lead is left as it was');
});

test('the Model dropdown lists the models the Groq API returns for the credential, the default first', async (t) => {
  const server = await groq(t);
  const context = { getCredentials: async () => credentialsFor(server).leadflowGroqApi } as unknown as ILoadOptionsFunctions;
  const enrichOptions = await new EnrichLeads().methods.loadOptions.listGroqModels.call(context);
  assert.deepEqual(enrichOptions.map((o) => o.value), ['openai/gpt-oss-120b', 'llama-3.1-8b-instant', 'openai/gpt-oss-20b']);
  assert.match(String(enrichOptions[0].description), /OpenAI · 131,072 tokens context/);
  const personalizeOptions = await new PersonalizeMessages().methods.loadOptions.listGroqModels.call(context);
  assert.deepEqual(personalizeOptions, enrichOptions);
  const listCall = server.requests.find((r) => r.path === '/openai/v1/models');
  assert.equal(listCall?.authorization, 'Bearer gsk_test_key');
});

test('the Groq credential\'s test request lists the models at the base URL with the key as a bearer token', async (t) => {
  const server = await groq(t);
  const result = await runCredentialTestRequest(new LeadflowGroqApi(), { apiKey: 'gsk_test_key', baseUrl: server.baseURL + '/' });
  assert.equal(result.url, `${server.baseURL}/openai/v1/models`);
  assert.equal(result.status, 200);
  assert.ok((JSON.parse(result.body) as { data: unknown[] }).data.length > 0);
  assert.deepEqual(server.requests.map((r) => [r.method, r.path, r.authorization]), [['GET', '/openai/v1/models', 'Bearer gsk_test_key']]);
});
