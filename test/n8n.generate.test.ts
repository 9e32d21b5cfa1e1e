import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, countLeadsByStatus, listLeads } from '../lib';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { runNode } from './support/n8nEngine';
import { tempDir, tempStorePath } from './support/tmp';

function leadsIn(storePath: string) {
  const store = openStore(storePath);
  try {
    return listLeads(store, { limit: 1000 });
  } finally {
    store.close();
  }
}

test('Generate Leads dropped with only a store stores ten synthetic leads and outputs one item per lead', async (t) => {
  const storePath = tempStorePath(t);
  const { items, error } = await runNode(new GenerateLeads(), { parameters: { storePath } });
  assert.equal(error, undefined);
  assert.equal(items.length, 10);
  for (const item of items) {
    assert.equal((item.json.leadflow as { outcome: string }).outcome, 'inserted');
    assert.match(String(item.json.email), /\.example$/);
    assert.deepEqual(item.pairedItem, { item: 0 });
  }
  const stored = leadsIn(storePath);
  assert.equal(stored.total, 10);
  assert.deepEqual(stored.leads.map((l) => l.id), items.map((i) => i.json.id));
  // Each item is the lead as stored, field for field (built from the row written, not read back).
  for (const [k, lead] of stored.leads.entries()) {
    const { leadflow: _, ...json } = items[k].json;
    assert.deepEqual(json, JSON.parse(JSON.stringify(lead)));
  }
});

test('Generate Leads run twice with one seed reports duplicates and adds no lead', async (t) => {
  const storePath = tempStorePath(t);
  const parameters = { storePath, count: 5, seed: 7 };
  await runNode(new GenerateLeads(), { parameters });
  const again = await runNode(new GenerateLeads(), { parameters });
  assert.deepEqual(again.items.map((i) => (i.json.leadflow as { outcome: string }).outcome), Array(5).fill('duplicate'));
  assert.equal(leadsIn(storePath).total, 5);
});

test('Generate Leads keeps to the chosen industries and countries', async (t) => {
  const storePath = tempStorePath(t);
  const { items } = await runNode(new GenerateLeads(), {
    parameters: { storePath, count: 20, industries: ['Finance'], countries: ['Germany'] },
  });
  assert.deepEqual([...new Set(items.map((i) => `${i.json.industry}/${i.json.country}`))], ['Finance/Germany']);
});

test('Generate Leads fails with the valid choices when a country is unknown', async (t) => {
  const { error } = await runNode(new GenerateLeads(), { parameters: { storePath: tempStorePath(t), countries: ['Atlantis'] } });
  assert.match(String(error), /Unknown country "Atlantis": choose from .*Germany/);
});

test('Generate Leads in import mode stores good items and pairs each rejected item with its reason', async (t) => {
  const storePath = tempStorePath(t);
  const input = [
    { 'Contact E-mail': 'Jane.Doe@Northwind-Traders.com', Name: 'Jane Doe', Position: 'CTO', Company: 'Northwind Traders', Country: 'Germany' },
    { 'Contact E-mail': 'not-an-email', Name: 'Bad Row', Position: 'CEO', Company: 'Nowhere', Country: 'Germany' },
    { 'Contact E-mail': 'jane.doe@northwind-traders.com', Name: 'Jane Again', Position: 'CTO', Company: 'Northwind Traders', Country: 'Germany' },
  ];
  const { items, error } = await runNode(new GenerateLeads(), {
    parameters: { storePath, mode: 'import', mapping: { fields: [{ field: 'email', column: 'Contact E-mail' }] } },
    input,
  });
  assert.equal(error, undefined);
  assert.deepEqual(items.map((i) => i.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
  const outcomes = items.map((i) => i.json.leadflow as { outcome: string; reason?: string });
  assert.equal(outcomes[0].outcome, 'inserted');
  assert.equal(items[0].json.email, 'jane.doe@northwind-traders.com');
  assert.equal(items[0].json.firstName, 'Jane');
  assert.equal(outcomes[1].outcome, 'rejected');
  assert.match(String(outcomes[1].reason), /email/);
  assert.equal(items[1].json['Contact E-mail'], 'not-an-email', 'a rejected item keeps its own fields');
  assert.equal(outcomes[2].outcome, 'rejected');
  assert.match(String(outcomes[2].reason), /duplicate_in_input.*row 1/);
  assert.deepEqual(leadsIn(storePath).leads.map((l) => l.email), ['jane.doe@northwind-traders.com']);
});

test('a store path that is not a SQLite file fails the node, names the file and leaves it untouched', async (t) => {
  const notAStore = join(tempDir(t), 'notes.txt');
  writeFileSync(notAStore, 'my notes');
  const { error, items } = await runNode(new GenerateLeads(), { parameters: { storePath: notAStore } });
  assert.match(String(error), /notes\.txt is not a SQLite database; leadflow left it untouched/);
  assert.equal(items.length, 0);
});

test('Generate Leads counts every stored lead as NEW', async (t) => {
  const storePath = tempStorePath(t);
  await runNode(new GenerateLeads(), { parameters: { storePath, count: 4 } });
  const store = openStore(storePath);
  t.after(() => store.close());
  assert.deepEqual(countLeadsByStatus(store), { NEW: 4 });
});
