/**
 * Campaigns in n8n, through n8n's real execution engine: the Leadflow Campaign node's operations, and the Campaign
 * parameter of Personalize Messages, Send Outreach and Outreach Metrics — its dropdown loaded as the editor loads it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';
import { openStore, countLeadsByStatus } from '../lib';
import { listCampaigns } from '../lib/campaigns/campaigns';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { OutreachMetrics } from '../nodes/OutreachMetrics/OutreachMetrics.node.ts';
import { LeadflowCampaign } from '../nodes/LeadflowCampaign/LeadflowCampaign.node.ts';
import { loadOptions, runNode } from './support/n8nEngine';
import { tempStorePath } from './support/tmp';

const CAMPAIGN_YAML = readFileSync(join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml'), 'utf8');
const CAMPAIGN = 'payroll-restaurants';

// Prospects as a CRM exports them: one with no first name, and a column no lead field reads.
const PROSPECTS = [
  { Email: 'dana.ruiz@harborview.example', 'First Name': 'Dana', 'Last Name': 'Ruiz', 'Job Title': 'Finance Director', Company: 'Harborview Hospitality', Website: 'https://harborview.example', 'Number of Sites': '12' },
  { Email: 'ops@copperpot.example', 'First Name': '', 'Last Name': '', 'Job Title': 'Head of Finance', Company: 'Copper Pot Group', Website: 'https://copperpot.example', 'Number of Sites': '7' },
  { Email: 'lee.wong@bluefin.example', 'First Name': 'Lee', 'Last Name': 'Wong', 'Job Title': 'Controller', Company: 'Bluefin Kitchens', Website: 'https://bluefin.example', 'Number of Sites': '30' },
  { Email: 'ana.silva@marisco.example', 'First Name': 'Ana', 'Last Name': 'Silva', 'Job Title': 'CFO', Company: 'Marisco Group', Website: 'https://marisco.example', 'Number of Sites': '18' },
];

const jsonOf = (items: INodeExecutionData[]) => items.map((i) => i.json as IDataObject);
const leadflow = (item: INodeExecutionData) => item.json.leadflow as { outcome: string; reason?: string; previousState?: string };
const outcomes = (items: INodeExecutionData[]) => items.map((i) => leadflow(i).outcome);

const campaignNode = (storePath: string, parameters: INodeParameters, input?: IDataObject[]) =>
  runNode(new LeadflowCampaign(), { parameters: { storePath, ...parameters }, input });

async function saveYaml(storePath: string, text = CAMPAIGN_YAML, activate = false) {
  return campaignNode(storePath, { operation: 'save', campaignText: text, activate });
}

/** The prospects imported (into the demo campaign, as any import), then added to the campaign and enriched. */
async function prospectsInCampaign(storePath: string, rows: IDataObject[] = PROSPECTS) {
  const imported = await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: rows });
  const added = await campaignNode(storePath, { operation: 'addLeads', campaign: CAMPAIGN }, jsonOf(imported.items));
  assert.equal(added.error, undefined);
  const enriched = await runNode(new EnrichLeads(), { parameters: { storePath }, input: jsonOf(added.items) });
  return enriched.items;
}

/** A few synthetic leads left in the built-in demo campaign, enriched. */
async function demoLeads(storePath: string, count: number) {
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count, seed: 7 } });
  const enriched = await runNode(new EnrichLeads(), { parameters: { storePath }, input: jsonOf(generated.items) });
  return enriched.items;
}

function storeOf(t: TestContext, storePath: string) {
  const store = openStore(storePath);
  t.after(() => store.close());
  return store;
}

test('Create or Update saves a YAML campaign as a draft, updates it under the same name, and Activate makes it active', async (t) => {
  const storePath = tempStorePath(t);
  const created = await saveYaml(storePath);
  assert.equal(created.error, undefined);
  const [item] = created.items;
  assert.equal(leadflow(item).outcome, 'created');
  assert.deepEqual(
    [item.json.name, item.json.state, item.json.product, item.json.sender, item.json.steps, item.json.leads],
    [CAMPAIGN, 'draft', 'Tillpoint Payroll', 'Maria Chen', 2, 0],
  );
  assert.deepEqual(item.pairedItem, { item: 0 });

  const updated = await saveYaml(storePath, CAMPAIGN_YAML.replace('Runs payroll for 400 restaurant groups', 'Runs payroll for 450 restaurant groups'), true);
  assert.deepEqual([leadflow(updated.items[0]).outcome, updated.items[0].json.state], ['updated', 'active']);
  assert.deepEqual((await listCampaigns(storeOf(t, storePath))).map((c) => [c.name, c.state]), [['demo', 'active'], [CAMPAIGN, 'active']]);
});

test('a campaign with {{frist_name}} is refused at save, naming the variable and its place, and nothing is saved', async (t) => {
  const storePath = tempStorePath(t);
  const typo = CAMPAIGN_YAML.replace('{Hi|Hello} {{ firstName }},', '{Hi|Hello} {{frist_name}},');
  const { error, items } = await saveYaml(storePath, typo);
  assert.match(String(error), /campaign "payroll-restaurants" was not saved; fix its templates:/);
  assert.match(String(error), /step 1 · email · variant A · body: unknown variable \{\{ frist_name \}\}: did you mean \{\{ firstName \}\}\?/);
  assert.deepEqual(items, []);
  assert.deepEqual((await listCampaigns(storeOf(t, storePath))).map((c) => c.name), ['demo']);
});

test('a campaign with a misspelt field is refused with each problem named by its path; Continue On Fail gives an error item', async (t) => {
  const storePath = tempStorePath(t);
  const wrong = CAMPAIGN_YAML.replace('name: Maria Chen', 'nmae: Maria Chen');
  const { error } = await saveYaml(storePath, wrong);
  assert.match(String(error), /the Campaign \(YAML or JSON\) parameter is not a valid campaign:/);
  assert.match(String(error), /sender: unknown field "nmae"/);
  const empty = await runNode(new LeadflowCampaign(), { parameters: { storePath, operation: 'save', campaignText: '  ' }, continueOnFail: true });
  assert.equal(empty.error, undefined);
  assert.match(String(empty.items[0].json.error), /Campaign \(YAML or JSON\) is empty: paste a campaign/);
});

test('Create or Update takes the campaign as an object from an expression', async (t) => {
  const storePath = tempStorePath(t);
  const { parse } = await import('yaml');
  const input = [{ campaign: parse(CAMPAIGN_YAML) as IDataObject }];
  const { items, error } = await campaignNode(storePath, { operation: 'save', campaignText: '={{ $json.campaign }}' }, input);
  assert.equal(error, undefined);
  assert.deepEqual([items[0].json.name, items[0].json.product], [CAMPAIGN, 'Tillpoint Payroll']);
});

test('Create or Update from fields saves the offer, the sender and the steps, and Preview renders them for a sample lead', async (t) => {
  const storePath = tempStorePath(t);
  const fields = {
    operation: 'save',
    definedBy: 'fields',
    campaignName: 'payroll-fields',
    product: 'Tillpoint Payroll',
    audience: 'finance leads at restaurant groups',
    value: 'One payroll run for hourly staff across every site.',
    proofPoints: 'Runs payroll for 400 restaurant groups\n\n',
    callToAction: 'Open to a 15-minute call next week?',
    senderName: 'Maria Chen',
    senderTitle: 'Account Executive',
    senderCompany: 'Tillpoint',
    steps: {
      step: [
        {
          delayBusinessDays: 0,
          subject: 'Payroll across {{ company }}',
          body: 'Hi {{ firstName }},\n\nTillpoint Payroll runs every site in one pass.\n\n{{ callToAction }}',
          variantB: 'ai',
          brief: 'Mention tips per shift.',
        },
        { delayBusinessDays: 3, body: 'Hi {{ firstName }},\n\nFollowing up on Tillpoint Payroll.\n\nWorth a short call?' },
      ],
    },
  };
  const saved = await campaignNode(storePath, fields);
  assert.equal(saved.error, undefined);
  assert.deepEqual([saved.items[0].json.name, saved.items[0].json.sender, saved.items[0].json.steps], ['payroll-fields', 'Maria Chen', 2]);

  const preview = await campaignNode(storePath, { operation: 'preview', campaign: 'payroll-fields' });
  assert.equal(preview.error, undefined);
  const shown = jsonOf(preview.items).map((s) => `${s.step}/${s.variant}/${s.writtenBy}`);
  assert.deepEqual(shown, ['1/A/template', '1/B/fallback', '2/A/template']);
  for (const sample of jsonOf(preview.items)) {
    assert.equal(sample.leadId, null, 'no leads yet: a sample lead');
    assert.match(String(sample.body), /Tillpoint Payroll/);
    assert.match(String(sample.body), /Best,\nMaria Chen\nAccount Executive, Tillpoint/);
    assert.deepEqual(sample.problems, []);
  }
  assert.match(String(preview.items[0].json.subject), /^Payroll across \S/);

  const wrong = await campaignNode(storePath, { ...fields, campaignName: 'Payroll Fields', senderName: '={{ "" }}' });
  assert.match(String(wrong.error), /the campaign fields is not a valid campaign:/);
  assert.match(String(wrong.error), /name: lowercase letters, digits and hyphens/);
  assert.match(String(wrong.error), /sender\.name is empty/);
  await assert.rejects(campaignNode(storePath, { ...fields, senderName: '' }), /The workflow has issues/, 'n8n itself stops an empty required field');
});

test('Activate, Pause, Resume and Finish move a campaign as lib allows, and say what they changed', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath);
  const step = async (operation: string) => {
    const r = await campaignNode(storePath, { operation, campaign: CAMPAIGN });
    return r.error ?? `${leadflow(r.items[0]).outcome}: ${leadflow(r.items[0]).previousState} → ${r.items[0].json.state}`;
  };
  assert.match(await step('resume'), /campaign "payroll-restaurants" is draft: only a paused campaign resumes \(Activate starts a draft\)/);
  assert.match(await step('pause'), /campaign "payroll-restaurants" is draft; it can become active or finished, not paused/);
  assert.equal(await step('activate'), 'activated: draft → active');
  assert.equal(await step('activate'), 'unchanged: active → active');
  assert.equal(await step('pause'), 'paused: active → paused');
  assert.equal(await step('resume'), 'resumed: paused → active');
  assert.equal(await step('finish'), 'finished: active → finished');
  assert.match(await step('activate'), /is finished; it can become nothing else, not active/);
  assert.match(await step('pause'), /is finished/);
});

test('a state operation with no campaign, or one the store does not have, fails naming the campaigns there are', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath);
  await assert.rejects(campaignNode(storePath, { operation: 'pause' }), /The workflow has issues/, 'n8n itself stops an empty required field');
  const none = await campaignNode(storePath, { operation: 'pause', campaign: '={{ $json.campaign }}' });
  assert.match(String(none.error), /no campaign chosen: pick one under Campaign/);
  const unknown = await campaignNode(storePath, { operation: 'pause', campaign: 'payroll-resturants' });
  assert.match(String(unknown.error), /no campaign "payroll-resturants" in the store; campaigns: demo, payroll-restaurants/);
  const byId = await campaignNode(storePath, { operation: 'activate', campaign: '={{ 2 }}' });
  assert.equal(byId.items[0].json.name, CAMPAIGN, 'an expression may give the id');
});

test('Add Leads puts the leads the items name into the campaign; again they are already in; one its campaign sent to stays', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath, CAMPAIGN_YAML, true);
  const sentInDemo = await demoLeads(storePath, 1);
  const messaged = await runNode(new PersonalizeMessages(), { parameters: { storePath }, input: jsonOf(sentInDemo) });
  await runNode(new SendOutreach(), { parameters: { storePath }, input: jsonOf(messaged.items) });
  const imported = await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: PROSPECTS.slice(0, 2) });

  const input = [...jsonOf(imported.items), { email: String(sentInDemo[0].json.email) }];
  const first = await campaignNode(storePath, { operation: 'addLeads', campaign: CAMPAIGN }, input);
  assert.equal(first.error, undefined);
  assert.deepEqual(outcomes(first.items), ['added', 'added', 'kept']);
  assert.match(String(leadflow(first.items[2]).reason), /^campaign "demo" has already sent to lead \d+ \(a dry run counts\): it stays there$/);
  assert.deepEqual(first.items.map((i) => i.json.campaign), [CAMPAIGN, CAMPAIGN, CAMPAIGN]);
  assert.deepEqual(first.items.map((i) => i.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
  const again = await campaignNode(storePath, { operation: 'addLeads', campaign: CAMPAIGN }, jsonOf(imported.items));
  assert.deepEqual(outcomes(again.items), ['already_in', 'already_in']);
  assert.deepEqual((await listCampaigns(storeOf(t, storePath))).map((c) => [c.name, c.leads]), [['demo', 1], [CAMPAIGN, 2]]);
});

test('Add Leads with an item naming no stored lead fails at that item and moves nothing', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath);
  const imported = await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: PROSPECTS.slice(0, 1) });
  const { error } = await campaignNode(storePath, { operation: 'addLeads', campaign: CAMPAIGN }, [...jsonOf(imported.items), { email: 'ghost@nowhere.example' }]);
  assert.match(String(error), /no lead with email ghost@nowhere\.example in the store: run Generate Leads on it first/);
  assert.deepEqual((await listCampaigns(storeOf(t, storePath))).map((c) => c.leads), [1, 0]);
});

test('Personalize with the campaign writes its leads in its offer\'s words, signed by its sender, custom column and fallback filled', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath, CAMPAIGN_YAML, true);
  const enriched = await prospectsInCampaign(storePath);
  const { items, error } = await runNode(new PersonalizeMessages(), { parameters: { storePath, campaign: CAMPAIGN, variants: 'both' }, input: jsonOf(enriched) });
  assert.equal(error, undefined);
  assert.deepEqual(outcomes(items), ['messaged', 'messaged', 'messaged', 'messaged']);
  for (const item of items) {
    for (const m of item.json.messages as { body: string }[]) {
      assert.match(m.body, /Tillpoint Payroll/);
      assert.match(m.body, /\n\nBest,\nMaria Chen\nAccount Executive, Tillpoint\n\nIf this isn't for you, reply "unsubscribe"/);
      assert.doesNotMatch(m.body, /workflow automation|Alex from Leadflow|\{|\}/);
    }
  }
  const dana = (items[0].json.messages as { variant: string; body: string }[]).find((m) => m.variant === 'A')!;
  assert.match(dana.body, /^(Hi|Hello) Dana,\n\nRunning payroll for 12 sites usually means /);
  for (const m of items[1].json.messages as { body: string }[]) assert.match(m.body, /^(Hi|Hello) there,/);
});

test('Personalize from the store with a campaign takes only its leads; with every campaign each lead is written for its own', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath, CAMPAIGN_YAML, true);
  await prospectsInCampaign(storePath, PROSPECTS.slice(0, 2));
  const demo = await demoLeads(storePath, 2);

  const only = await runNode(new PersonalizeMessages(), { parameters: { storePath, campaign: CAMPAIGN, source: 'store', status: 'ENRICHED' } });
  assert.deepEqual(only.items.map((i) => i.json.email), ['dana.ruiz@harborview.example', 'ops@copperpot.example']);
  assert.deepEqual(countLeadsByStatus(storeOf(t, storePath)), { MESSAGED: 2, ENRICHED: 2 });

  const every = await runNode(new PersonalizeMessages(), { parameters: { storePath }, input: jsonOf(demo) });
  assert.deepEqual(outcomes(every.items), ['messaged', 'messaged']);
  for (const item of every.items) assert.doesNotMatch(String(item.json.body), /Tillpoint|Maria Chen/, 'a demo lead gets the demo copy');
});

test('Personalize with a campaign skips an item whose lead is in another campaign, saying which and what moves it', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath, CAMPAIGN_YAML, true);
  const mine = await prospectsInCampaign(storePath, PROSPECTS.slice(0, 1));
  const demo = await demoLeads(storePath, 1);
  const { items } = await runNode(new PersonalizeMessages(), { parameters: { storePath, campaign: CAMPAIGN }, input: [...jsonOf(mine), ...jsonOf(demo)] });
  assert.deepEqual(outcomes(items), ['messaged', 'skipped']);
  assert.equal(leadflow(items[1]).reason, `lead ${String(demo[0].json.id)} is in campaign "demo", not "payroll-restaurants": Leadflow Campaign's Add Leads moves it`);
  assert.equal(items[1].json.status, 'ENRICHED');
});

test('a paused campaign\'s leads are held by Personalize, and written once it is resumed', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath, CAMPAIGN_YAML, true);
  const enriched = await prospectsInCampaign(storePath, PROSPECTS.slice(0, 1));
  await campaignNode(storePath, { operation: 'pause', campaign: CAMPAIGN });
  const held = await runNode(new PersonalizeMessages(), { parameters: { storePath, campaign: CAMPAIGN }, input: jsonOf(enriched) });
  assert.deepEqual(outcomes(held.items), ['skipped']);
  assert.match(String(leadflow(held.items[0]).reason), /its campaign "payroll-restaurants" is paused: resume it to write to its leads/);
  await campaignNode(storePath, { operation: 'resume', campaign: CAMPAIGN });
  const written = await runNode(new PersonalizeMessages(), { parameters: { storePath, campaign: CAMPAIGN }, input: jsonOf(enriched) });
  assert.deepEqual(outcomes(written.items), ['messaged']);
});

test('Send with a campaign dry-runs only its leads, from the store or from items, and Metrics shows that campaign\'s funnel', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath, CAMPAIGN_YAML, true);
  await prospectsInCampaign(storePath, PROSPECTS.slice(0, 3));
  const demo = await demoLeads(storePath, 2);
  await runNode(new PersonalizeMessages(), { parameters: { storePath } });

  const fromItems = await runNode(new SendOutreach(), { parameters: { storePath, campaign: CAMPAIGN }, input: jsonOf(demo) });
  assert.deepEqual(outcomes(fromItems.items), ['skipped', 'skipped']);
  assert.match(String(leadflow(fromItems.items[0]).reason), /belongs to campaign "demo", not the one being sent/);

  const sent = await runNode(new SendOutreach(), { parameters: { storePath, campaign: CAMPAIGN, mode: 'sendAll' } });
  assert.equal(sent.error, undefined);
  assert.deepEqual(sent.items.map((i) => i.json.email), PROSPECTS.slice(0, 3).map((p) => p.Email));
  assert.deepEqual(outcomes(sent.items), ['simulated', 'simulated', 'simulated']);
  assert.ok(sent.items.every((i) => i.json.dryRun === true && i.json.status === 'MESSAGED'), 'a dry run reads as what it is: no lead SENT');
  assert.deepEqual(countLeadsByStatus(storeOf(t, storePath)), { MESSAGED: 5 });

  const funnel = await runNode(new OutreachMetrics(), { parameters: { storePath, campaign: CAMPAIGN } });
  const metrics = funnel.items[0].json as { campaign: IDataObject; funnel: { stage: string; leads: number }[]; leads: { total: number } };
  assert.deepEqual(metrics.campaign, { id: 2, name: CAMPAIGN, state: 'active', product: 'Tillpoint Payroll' });
  assert.equal(metrics.leads.total, 3);
  assert.deepEqual(metrics.funnel.slice(0, 4).map((s) => s.leads), [3, 3, 3, 0]);
  assert.deepEqual((funnel.items[0].json as { simulated: IDataObject }).simulated, { leads: 3, sends: 3 });
  const whole = await runNode(new OutreachMetrics(), { parameters: { storePath } });
  assert.equal((whole.items[0].json as { campaign: null; leads: { total: number } }).leads.total, 5);
  assert.equal(whole.items[0].json.campaign, null);

  const listed = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'leads', campaign: 'demo' } });
  assert.deepEqual(listed.items.map((i) => i.json.email), jsonOf(demo).map((d) => d.email));
  const variants = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'variants', campaign: CAMPAIGN } });
  assert.equal(variants.items.reduce((n, i) => n + Number(i.json.sent), 0), 0);
  assert.equal(variants.items.reduce((n, i) => n + Number(i.json.simulated), 0), 3);
});

test('Send with a campaign that is still a draft sends nothing and says the campaign must be active', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath);
  const enriched = await prospectsInCampaign(storePath, PROSPECTS.slice(0, 1));
  const messaged = await runNode(new PersonalizeMessages(), { parameters: { storePath, campaign: CAMPAIGN }, input: jsonOf(enriched) });
  assert.deepEqual(outcomes(messaged.items), ['messaged'], 'a draft\'s leads are written, to preview them');
  const { items } = await runNode(new SendOutreach(), { parameters: { storePath, campaign: CAMPAIGN }, input: jsonOf(messaged.items) });
  assert.deepEqual(outcomes(items), ['skipped']);
  assert.match(String(leadflow(items[0]).reason), /its campaign "payroll-restaurants" is draft: only an active campaign's leads are sent/);
});

test('the Campaign dropdown lists the store\'s campaigns with state, offer and leads, as the editor loads it', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath, CAMPAIGN_YAML, true);
  await prospectsInCampaign(storePath, PROSPECTS.slice(0, 2));
  const parameters = { storePath };
  const personalize = await loadOptions(new PersonalizeMessages(), 'listCampaigns', { parameters });
  assert.deepEqual(personalize, [
    { name: 'Every Campaign', value: '', description: 'Each lead is written for its own campaign' },
    { name: 'demo (active)', value: 'demo', description: 'Built-in: synthetic leads, the built-in templates · 0 leads' },
    { name: 'payroll-restaurants (active)', value: CAMPAIGN, description: 'Tillpoint Payroll · from Maria Chen · 2 leads' },
  ]);
  const send = await loadOptions(new SendOutreach(), 'listCampaigns', { parameters });
  assert.deepEqual(send.map((o) => o.name), ['Every Active Campaign', 'demo (active)', 'payroll-restaurants (active)']);
  const metrics = await loadOptions(new OutreachMetrics(), 'listCampaigns', { parameters });
  assert.deepEqual(metrics.map((o) => o.value), ['', 'demo', CAMPAIGN]);
  const campaignOps = await loadOptions(new LeadflowCampaign(), 'listCampaigns', { parameters: { operation: 'pause', storePath } });
  assert.deepEqual(campaignOps.map((o) => o.value), ['demo', CAMPAIGN], 'no "every campaign" where one must be chosen');
  const byExpression = await loadOptions(new LeadflowCampaign(), 'listCampaigns', { parameters: { operation: 'pause', storePath: `={{ ${JSON.stringify(storePath)} }}` } });
  assert.deepEqual(byExpression.map((o) => o.value), ['demo', CAMPAIGN], 'a Store File given by an expression is resolved');
});

test('List gives one item per campaign, optionally only those in some states', async (t) => {
  const storePath = tempStorePath(t);
  await saveYaml(storePath);
  const all = await campaignNode(storePath, { operation: 'list' });
  assert.deepEqual(all.items.map((i) => [i.json.name, i.json.state, i.json.builtin]), [['demo', 'active', true], [CAMPAIGN, 'draft', false]]);
  const drafts = await campaignNode(storePath, { operation: 'list', states: ['draft'] });
  assert.deepEqual(drafts.items.map((i) => i.json.name), [CAMPAIGN]);
});

test('the bundled campaign workflow, node by node through the engine, writes Tillpoint copy signed by Maria Chen and dry-runs it', async (t) => {
  const storePath = tempStorePath(t);
  const workflow = JSON.parse(readFileSync(join(__dirname, '..', 'workflows', 'campaign.json'), 'utf8')) as { nodes: { name: string; type: string; parameters: INodeParameters }[] };
  const types: Record<string, () => INodeType> = {
    'n8n-nodes-leadflow.leadflowCampaign': () => new LeadflowCampaign(),
    'n8n-nodes-leadflow.generateLeads': () => new GenerateLeads(),
    'n8n-nodes-leadflow.enrichLeads': () => new EnrichLeads(),
    'n8n-nodes-leadflow.personalizeMessages': () => new PersonalizeMessages(),
    'n8n-nodes-leadflow.sendOutreach': () => new SendOutreach(),
    'n8n-nodes-leadflow.outreachMetrics': () => new OutreachMetrics(),
  };
  const out: Record<string, INodeExecutionData[]> = {};
  let input: IDataObject[] = [{}];
  for (const node of workflow.nodes.filter((n) => types[n.type])) {
    const r = await runNode(types[node.type](), { parameters: { ...node.parameters, storePath }, input });
    assert.equal(r.error, undefined, `${node.name}: ${r.error}`);
    out[node.name] = r.items;
    input = jsonOf(r.items);
  }
  assert.deepEqual([out['Save Campaign'][0].json.name, out['Save Campaign'][0].json.state], [CAMPAIGN, 'active']);
  assert.deepEqual(outcomes(out['Add Leads to Campaign']), Array(10).fill('added'));
  assert.ok(jsonOf(out['Generate Leads']).every((l) => l.synthetic === true && /\.example$/.test(String(l.email))));
  for (const item of out['Personalize Messages']) {
    assert.match(String(item.json.body), /Tillpoint Payroll/);
    assert.match(String(item.json.body), /\n\nBest,\nMaria Chen\nAccount Executive, Tillpoint\n/);
  }
  assert.deepEqual(outcomes(out['Send Outreach']), Array(10).fill('simulated'));
  const metrics = out['Outreach Metrics'][0].json as { campaign: { name: string }; funnel: { leads: number }[]; simulated: { leads: number } };
  assert.equal(metrics.campaign.name, CAMPAIGN);
  assert.deepEqual(metrics.funnel.slice(0, 4).map((s) => s.leads), [10, 10, 10, 0]);
  assert.equal(metrics.simulated.leads, 10);
});
