import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../lib/store/store';
import { insertLead, getLead, leadsByIds, LEADS } from '../lib/store/leads';
import { saveMessage, messagesForLead, MESSAGES } from '../lib/store/messages';
import { tempStorePath } from './support/tmp';

const ada = {
  email: 'ada@engines.example', firstName: 'Ada', lastName: 'Lovelace', title: 'CTO', company: 'Analytical Engines',
  companyDomain: 'engines.example', website: 'https://www.engines.example', linkedinUrl: '', industry: 'Technology',
  country: 'United Kingdom', timezone: 'Europe/London', synthetic: true, source: 'test', variant: 'B' as const,
};

test('each mapper reads every column of its table by name, as the table declares them', (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const declared = (table: string, readOnItsOwn: string[] = []) =>
    store
      .stmt(`SELECT name FROM pragma_table_info('${table}')`)
      .all()
      .map((r) => String(r.name))
      .filter((name) => !readOnItsOwn.includes(name))
      .join(', ');
  // A column the table gains and the mapper leaves out (or a renamed one) shows here, not as a silently missing field.
  // leads.attributes (an import's extra columns, JSON) is read on its own, by those that use it.
  assert.equal(LEADS.columns, declared('leads', ['attributes']));
  assert.equal(MESSAGES.columns, declared('messages'));
});

test('rows come back as typed objects on this driver: numbers, booleans, nulls and enums as the types say', (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const id = store.tx(() => insertLead(store, ada, '2026-12-03T09:00:00.000Z'))!;
  const lead = getLead(store, id)!;
  assert.deepEqual(lead, { ...ada, id, status: 'NEW', statusReason: null, createdAt: '2026-12-03T09:00:00.000Z', updatedAt: '2026-12-03T09:00:00.000Z' });
  assert.deepEqual(leadsByIds(store, [id, id + 1]), new Map([[id, lead]]));
  store.tx(() => saveMessage(store, id, { channel: 'linkedin', variant: 'B', step: 1, subject: null, body: 'Hi Ada' }, 2, 'test', '2026-12-03T09:00:00.000Z'));
  const [message] = messagesForLead(store, id);
  assert.equal(message.subject, null);
  assert.equal(message.wordCount, 2);
  assert.equal(message.channel, 'linkedin');
});

test('a cell the schema does not promise (a file edited outside leadflow) is an error naming the column, not a wrong value', (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const id = store.tx(() => insertLead(store, ada, '2026-12-03T09:00:00.000Z'))!;
  store.tx(() => saveMessage(store, id, { channel: 'email', variant: 'B', step: 1, subject: 'Hi', body: 'Hi Ada' }, 2, 'test', '2026-12-03T09:00:00.000Z'));
  // INTEGER affinity keeps text that is not a number as text: what a hand edit in a SQLite browser can leave.
  store.exec("UPDATE messages SET step = 'two'");
  assert.throws(() => messagesForLead(store, id), /store's step column holds string, not an integer/);
});
