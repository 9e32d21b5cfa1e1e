import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { openStore, countLeadsByStatus, countSendsByState } from '../lib';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { OutreachMetrics } from '../nodes/OutreachMetrics/OutreachMetrics.node.ts';
import { runNode } from './support/n8nEngine';
import { tempStorePath } from './support/tmp';

const jsonOf = (items: INodeExecutionData[]) => items.map((i) => i.json as IDataObject);
const outcomes = (items: INodeExecutionData[]) => items.map((i) => (i.json.leadflow as { outcome: string }).outcome);

function storeCounts(storePath: string) {
  const store = openStore(storePath);
  try {
    return { leads: countLeadsByStatus(store), sends: countSendsByState(store) };
  } finally {
    store.close();
  }
}

test('Enrich, Personalize and Send (dry run) take the items of Generate Leads to a simulated send, item by item', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 6 } });
  const enriched = await runNode(new EnrichLeads(), { parameters: { storePath }, input: jsonOf(generated.items) });
  assert.deepEqual(outcomes(enriched.items), Array(6).fill('enriched'));
  assert.deepEqual(enriched.items.map((i) => i.pairedItem), [0, 1, 2, 3, 4, 5].map((item) => ({ item })));
  assert.ok((enriched.items[0].json.enrichment as IDataObject).persona);

  const messaged = await runNode(new PersonalizeMessages(), { parameters: { storePath }, input: jsonOf(enriched.items) });
  assert.deepEqual(outcomes(messaged.items), Array(6).fill('messaged'));
  for (const item of messaged.items) {
    assert.equal((item.json.messages as IDataObject[]).length, 1, 'one email in the lead\'s own variant');
    assert.match(String(item.json.body), new RegExp(String(item.json.firstName)));
  }

  const sent = await runNode(new SendOutreach(), { parameters: { storePath }, input: jsonOf(messaged.items) });
  assert.equal(sent.error, undefined);
  assert.deepEqual(outcomes(sent.items), Array(6).fill('simulated'));
  assert.equal(sent.items[0].json.dryRun, true);
  assert.equal(sent.items[0].json.status, 'MESSAGED', 'nothing reached the lead');
  assert.equal((sent.items[0].json.sends as IDataObject[])[0].state, 'SIMULATED');
  assert.match(String((sent.items[0].json.sends as IDataObject[])[0].response), /^dry-run/);
  assert.deepEqual(storeCounts(storePath), { leads: { MESSAGED: 6 }, sends: { byState: {}, dryRunByState: { SENT: 6 }, dryRun: 6, live: 0 } });
});

test('Enrich Leads after a trigger (an item naming no lead) takes NEW leads from the store', async (t) => {
  const storePath = tempStorePath(t);
  await runNode(new GenerateLeads(), { parameters: { storePath, count: 4 } });
  const { items } = await runNode(new EnrichLeads(), { parameters: { storePath }, input: [{}] });
  assert.deepEqual(outcomes(items), Array(4).fill('enriched'));
  assert.deepEqual(storeCounts(storePath).leads, { ENRICHED: 4 });
});

test('Enrich Leads run again on the same items keeps their enrichment and changes nothing', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 2 } });
  const first = await runNode(new EnrichLeads(), { parameters: { storePath }, input: jsonOf(generated.items) });
  const second = await runNode(new EnrichLeads(), { parameters: { storePath }, input: jsonOf(generated.items) });
  assert.deepEqual(outcomes(second.items), ['already_enriched', 'already_enriched']);
  assert.deepEqual(second.items.map((i) => i.json.enrichment), first.items.map((i) => i.json.enrichment));
});

test('an item naming a lead the store does not have fails Enrich Leads at that item', async (t) => {
  const storePath = tempStorePath(t);
  const { error, run } = await runNode(new EnrichLeads(), { parameters: { storePath, source: 'items' }, input: [{ email: 'ghost@nowhere.test' }] });
  assert.match(String(error), /no lead with email ghost@nowhere\.test in the store: run Generate Leads on it first/);
  assert.equal(run.finished, undefined);
});

test('with Continue On Fail, an item naming no stored lead becomes an error item and the others go through', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 1 } });
  const input = [{ email: 'ghost@nowhere.test' }, ...jsonOf(generated.items)];
  const { items, error } = await runNode(new EnrichLeads(), { parameters: { storePath }, input, continueOnFail: true });
  assert.equal(error, undefined);
  assert.match(String(items[0].json.error), /no lead with email ghost@nowhere\.test/);
  assert.deepEqual(items[0].pairedItem, { item: 0 });
  assert.equal((items[1].json.leadflow as IDataObject).outcome, 'enriched');
});

test('Personalize Messages with both variants and LinkedIn shows A and B on each channel', async (t) => {
  const storePath = tempStorePath(t);
  await runNode(new GenerateLeads(), { parameters: { storePath, count: 1 } });
  await runNode(new EnrichLeads(), { parameters: { storePath } });
  const { items } = await runNode(new PersonalizeMessages(), { parameters: { storePath, channels: ['email', 'linkedin'], variants: 'both' } });
  const shown = (items[0].json.messages as IDataObject[]).map((m) => `${m.channel}/${m.variant}`).sort();
  assert.deepEqual(shown, ['email/A', 'email/B', 'linkedin/A', 'linkedin/B']);
});

test('Send Outreach in tick mode sends at most Max per Tick and leaves the rest queued for the next tick', async (t) => {
  const storePath = tempStorePath(t);
  await runNode(new GenerateLeads(), { parameters: { storePath, count: 5 } });
  await runNode(new EnrichLeads(), { parameters: { storePath } });
  await runNode(new PersonalizeMessages(), { parameters: { storePath } });
  const first = await runNode(new SendOutreach(), { parameters: { storePath, maxPerTick: 2 } });
  assert.deepEqual(outcomes(first.items).sort(), ['queued', 'queued', 'queued', 'simulated', 'simulated']);
  const second = await runNode(new SendOutreach(), { parameters: { storePath, maxPerTick: 2 } });
  assert.deepEqual(outcomes(second.items).sort(), ['queued', 'simulated', 'simulated'], 'the store batch: the three still waiting, not the two already simulated');
  assert.deepEqual(storeCounts(storePath).sends.dryRunByState, { SENT: 4, QUEUED: 1 });
});

test('Send Outreach with Dry Run off and no SMTP credential fails and says how to fix it', async (t) => {
  const storePath = tempStorePath(t);
  const { error } = await runNode(new SendOutreach(), { parameters: { storePath, dryRun: false, postalAddress: '1 Test Street, Testville' } });
  assert.match(String(error), /Leadflow SMTP credential|credentials/i);
});

test('Outreach Metrics reports the funnel and exports every lead as a CSV file', async (t) => {
  const storePath = tempStorePath(t);
  await runNode(new GenerateLeads(), { parameters: { storePath, count: 3 } });
  await runNode(new EnrichLeads(), { parameters: { storePath } });
  const funnel = await runNode(new OutreachMetrics(), { parameters: { storePath } });
  const steps = funnel.items[0].json.funnel as { stage: string; leads: number }[];
  assert.deepEqual(steps.slice(0, 3).map((s) => [s.stage, s.leads]), [['generated', 3], ['enriched', 3], ['messaged', 0]]);

  const exported = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'export' } });
  const file = exported.run.data.resultData.runData['Under Test'][0].data!.main[0]![0].binary!.data;
  const csv = Buffer.from(file.data, 'base64').toString('utf8').trim().split('\n');
  assert.equal(exported.items[0].json.count, 3);
  assert.match(csv[0], /^id,email,firstName/);
  assert.equal(csv.length, 4);
});

test('Outreach Metrics lists leads of one status as one item each', async (t) => {
  const storePath = tempStorePath(t);
  await runNode(new GenerateLeads(), { parameters: { storePath, count: 3 } });
  await runNode(new EnrichLeads(), { parameters: { storePath, limit: 2, source: 'store' } });
  const { items } = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'leads', status: 'NEW' } });
  assert.deepEqual(items.map((i) => i.json.status), ['NEW']);
});
