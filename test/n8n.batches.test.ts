import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { openStore, countLeadsByStatus, enrichNewLeads, generateLeads, getLeadDetail, ingestLeads, messagesForLead, personalizeEnriched, type Store } from '../lib';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { runNode } from './support/n8nEngine';
import { tempStorePath } from './support/tmp';

const jsonOf = (items: INodeExecutionData[]) => items.map((i) => i.json as IDataObject);
const outcomes = (items: INodeExecutionData[]) => items.map((i) => (i.json.leadflow as { outcome: string } | undefined)?.outcome ?? 'error');

function leadCounts(storePath: string) {
  const store = openStore(storePath);
  try {
    return countLeadsByStatus(store);
  } finally {
    store.close();
  }
}

test('2,500 items cross batch boundaries through Enrich and Personalize, each output item paired with its input item, in order', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 2500 } });
  assert.equal(generated.items.length, 2500);
  const enriched = await runNode(new EnrichLeads(), { parameters: { storePath }, input: jsonOf(generated.items) });
  assert.deepEqual(enriched.items.map((i) => i.pairedItem), generated.items.map((_, item) => ({ item })));
  assert.deepEqual(enriched.items.map((i) => i.json.id), generated.items.map((i) => i.json.id));
  assert.deepEqual(new Set(outcomes(enriched.items)), new Set(['enriched']));
  assert.equal(enriched.items[2499].json.status, 'ENRICHED');
  const messaged = await runNode(new PersonalizeMessages(), { parameters: { storePath }, input: jsonOf(enriched.items).reverse() });
  assert.deepEqual(messaged.items.map((i) => i.json.id), generated.items.map((i) => i.json.id).reverse());
  assert.deepEqual(new Set(outcomes(messaged.items)), new Set(['messaged']));
  assert.equal(messaged.items[0].json.status, 'MESSAGED');
  assert.deepEqual(leadCounts(storePath), { MESSAGED: 2500 });
  // The messages an item shows (built from the rows just written, ids read back) are the stored ones, field for field.
  const store = openStore(storePath);
  try {
    for (const item of [messaged.items[0], messaged.items[1234], messaged.items[2499]]) {
      const stored = messagesForLead(store, Number(item.json.id)).filter((m) => m.variant === item.json.variant && m.channel === 'email');
      assert.deepEqual(item.json.messages, JSON.parse(JSON.stringify(stored)));
    }
  } finally {
    store.close();
  }

  // Send (dry run) over the same items: each item is the lead as stored after the send and its dry-run ledger rows,
  // field for field, though both are built from what the send recorded rather than read back.
  const sent = await runNode(new SendOutreach(), { parameters: { storePath, mode: 'sendAll' }, input: jsonOf(messaged.items) });
  assert.deepEqual(new Set(outcomes(sent.items)), new Set(['simulated']));
  const after = openStore(storePath);
  try {
    for (const item of [sent.items[0], sent.items[777], sent.items[2499]]) {
      const detail = (await getLeadDetail(after, Number(item.json.id)))!;
      const { leadflow: _l, dryRun: _d, sends, tick: _t, ...lead } = item.json;
      assert.deepEqual(lead, JSON.parse(JSON.stringify(detail.lead)));
      assert.deepEqual(sends, JSON.parse(JSON.stringify(detail.sends.filter((x) => x.dryRun && x.channel === 'email'))));
    }
  } finally {
    after.close();
  }
});

test('without Continue On Fail, an item naming no stored lead stops Enrich Leads before any lead is enriched', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 3 } });
  const input = [...jsonOf(generated.items).slice(0, 2), { email: 'ghost@nowhere.test' }, ...jsonOf(generated.items).slice(2)];
  const { error } = await runNode(new EnrichLeads(), { parameters: { storePath }, input });
  assert.match(String(error), /no lead with email ghost@nowhere\.test in the store/);
  assert.deepEqual(leadCounts(storePath), { NEW: 3 });
});

test('with Continue On Fail, a failing item keeps its place among the batch and the others go through', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 3 } });
  const input = [...jsonOf(generated.items).slice(0, 2), { email: 'ghost@nowhere.test' }, {}, ...jsonOf(generated.items).slice(2)];
  const { items, error } = await runNode(new EnrichLeads(), { parameters: { storePath, source: 'items' }, input, continueOnFail: true });
  assert.equal(error, undefined);
  assert.deepEqual(outcomes(items), ['enriched', 'enriched', 'error', 'error', 'enriched']);
  assert.deepEqual(items.map((i) => i.pairedItem), [0, 1, 2, 3, 4].map((item) => ({ item })));
  assert.match(String(items[2].json.error), /no lead with email ghost@nowhere\.test/);
  assert.match(String(items[3].json.error), /this item names no lead/);
  assert.deepEqual(leadCounts(storePath), { ENRICHED: 3 });
});

test('two items naming one lead enrich it once: the second reads already_enriched, with the same enrichment', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 1 } });
  const { items } = await runNode(new EnrichLeads(), { parameters: { storePath }, input: [generated.items[0].json, { email: generated.items[0].json.email }] });
  assert.deepEqual(outcomes(items), ['enriched', 'already_enriched']);
  assert.deepEqual(items[1].json.enrichment, items[0].json.enrichment);
});

test('Personalize Messages with an opt-out line the copy contract refuses fails each lead with the violations', async (t) => {
  const storePath = tempStorePath(t);
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, count: 3 } });
  const enriched = await runNode(new EnrichLeads(), { parameters: { storePath }, input: jsonOf(generated.items) });
  const { items } = await runNode(new PersonalizeMessages(), { parameters: { storePath, optOutLine: 'Have a nice day.' }, input: jsonOf(enriched.items) });
  assert.deepEqual(outcomes(items), ['failed', 'failed', 'failed']);
  for (const item of items) {
    assert.equal(item.json.status, 'FAILED');
    assert.match(String((item.json.leadflow as IDataObject).reason), /^copy contract: email\/[AB]: .*no opt-out line/);
  }
  assert.deepEqual(leadCounts(storePath), { FAILED: 3 });
});

/** Every row the enrich and personalize stages write, without the time stamps (the two runs differ only in those). */
function stageRows(store: Store) {
  return {
    leads: store.stmt('SELECT id, status, status_reason FROM leads ORDER BY id').all(),
    enrichments: store.stmt('SELECT lead_id, company_size, persona, seniority, pain_points, buying_triggers, confidence, provenance, source FROM enrichments ORDER BY lead_id').all(),
    messages: store.stmt('SELECT id, lead_id, channel, variant, step, subject, body, word_count, source FROM messages ORDER BY id').all(),
  };
}

test('chosen leads, in batches, leave the store exactly as the stages by status leave it', async (t) => {
  const leads = generateLeads({ count: 300, seed: 9 });
  const [byStatus, chosen] = [tempStorePath(t), tempStorePath(t)].map((path) => openStore(path));
  t.after(() => [byStatus, chosen].forEach((s) => s.close()));
  const now = new Date().toISOString();
  const ids = byStatus.tx(() => ingestLeads(byStatus, leads, now)).inserted.map((i) => i.id);
  chosen.tx(() => ingestLeads(chosen, leads, now));
  const options = { channels: ['email' as const, 'linkedin' as const] };
  enrichNewLeads(byStatus, { batchSize: 100 });
  personalizeEnriched(byStatus, options, { batchSize: 100 });
  for (let first = 0; first < ids.length; first += 128) await enrichChosen(chosen, ids.slice(first, first + 128));
  for (let first = 0; first < ids.length; first += 128) await personalizeChosen(chosen, ids.slice(first, first + 128), options);
  assert.deepEqual(stageRows(chosen), stageRows(byStatus));
});
