import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../lib/store/store';
import { insertLead, getLead, leadsByIds, LEADS } from '../lib/store/leads';
import { saveMessage, messagesForLead, MESSAGES, ASSIGNED_DRAFTS } from '../lib/store/messages';
import { saveEnrichment, getEnrichment, ENRICHMENTS, TALKING_POINTS } from '../lib/store/enrichments';
import { getRun, startRun, RUNS } from '../lib/store/runs';
import { CONFIRMATIONS } from '../lib/store/confirmations';
import { SEND_PAUSES } from '../lib/sending/limits';
import { CLAIMED_SENDS, LEDGER_ROWS, RECORDED_EMAILS } from '../lib/sending/ledger';
import { VERIFICATIONS } from '../lib/deliverability/verifyLeads';
import type { RowMapper } from '../lib/store/rowMapper';
import type { Store } from '../lib/store/store';
import type { Enrichment } from '../lib/types';
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

test('rows come back as typed objects on this driver: numbers, booleans, nulls and enums as the types say', async (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const id = store.tx(() => insertLead(store, ada, '2026-12-03T09:00:00.000Z'))!;
  const lead = getLead(store, id)!;
  assert.deepEqual(lead, { ...ada, id, campaignId: 1, status: 'NEW', statusReason: null, createdAt: '2026-12-03T09:00:00.000Z', updatedAt: '2026-12-03T09:00:00.000Z' });
  assert.deepEqual(leadsByIds(store, [id, id + 1]), new Map([[id, lead]]));
  await saveMessage(store, id, { channel: 'linkedin', variant: 'B', step: 1, subject: null, body: 'Hi Ada' }, 2, 'test', '2026-12-03T09:00:00.000Z');
  const [message] = messagesForLead(store, id);
  assert.equal(message.subject, null);
  assert.equal(message.wordCount, 2);
  assert.equal(message.channel, 'linkedin');
});

test('a cell the schema does not promise (a file edited outside leadflow) is an error naming the column, not a wrong value', async (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const id = store.tx(() => insertLead(store, ada, '2026-12-03T09:00:00.000Z'))!;
  await saveMessage(store, id, { channel: 'email', variant: 'B', step: 1, subject: 'Hi', body: 'Hi Ada' }, 2, 'test', '2026-12-03T09:00:00.000Z');
  // INTEGER affinity keeps text that is not a number as text: what a hand edit in a SQLite browser can leave.
  store.exec("UPDATE messages SET step = 'two'");
  assert.throws(() => messagesForLead(store, id), /store's step column holds string, not an integer/);
});

function columnsOf(store: Store, table: string): string[] {
  return store
    .stmt(`SELECT name FROM pragma_table_info('${table}')`)
    .all()
    .map((r) => String(r.name));
}

test('each table mapper reads its table\'s columns by name, in the order the table declares them', (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const declared = (table: string, readOnItsOwn: string[] = []) =>
    columnsOf(store, table)
      .filter((name) => !readOnItsOwn.includes(name))
      .join(', ');
  assert.equal(RUNS.columns, declared('runs'));
  // enrichments.lead_id keys the maps they are read into; created_at is not read.
  assert.equal(ENRICHMENTS.columns, declared('enrichments', ['lead_id', 'created_at']));
  // confirmations.token_hash is the key a token is found by; created_at is not read.
  assert.equal(CONFIRMATIONS.columns, declared('confirmations', ['token_hash', 'created_at']));
  // send_pauses.resumed_at only filters: a pause in force has none.
  assert.equal(SEND_PAUSES.columns, declared('send_pauses', ['resumed_at']));
  assert.equal(VERIFICATIONS.columns, declared('verifications'));
});

test('the mappers of a part of a row (a claim, a review, a recorded email, a draft) read only columns their tables declare', (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  // A column is `name` of the table, or `alias.name` of the table the alias names in the mapper's query.
  const check = (mapper: RowMapper<unknown>, table: string, aliases: Record<string, string> = {}) => {
    for (const column of mapper.columns.split(', ')) {
      const [alias, name] = column.includes('.') ? column.split('.') : ['', column];
      const of = alias ? aliases[alias] : table;
      assert.ok(of, `${column}: no table for alias ${alias}`);
      assert.ok(columnsOf(store, of).includes(name), `${column} is not a column of ${of}`);
    }
  };
  check(CLAIMED_SENDS, 'sends');
  check(RECORDED_EMAILS, 'sends');
  check(LEDGER_ROWS, 'sends', { s: 'sends', l: 'leads' });
  check(TALKING_POINTS, 'enrichments');
  check(ASSIGNED_DRAFTS, 'messages', { m: 'messages', l: 'leads' });
});

test('JSON columns come back parsed, and text that is not JSON is an error naming its column', (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const id = store.tx(() => insertLead(store, ada, '2026-12-03T09:00:00.000Z'))!;
  const enrichment: Enrichment = {
    companySize: '51-200', persona: 'Technical decision maker', seniority: 'C-level', painPoints: ['scaling'],
    buyingTriggers: ['new funding'], confidence: 0.75,
    provenance: { companySize: 'rule', persona: 'rule', seniority: 'rule', painPoints: 'rule', buyingTriggers: 'rule', confidence: 'rule' },
    source: 'rules-v1',
  };
  store.tx(() => saveEnrichment(store, id, enrichment, '2026-12-03T09:00:00.000Z'));
  assert.deepEqual(getEnrichment(store, id), enrichment);
  const run = startRun(store, { leads: 10 }, { enriched: 0 });
  const { owner, heartbeatAt, startedAt, ...stored } = getRun(store, run)!;
  assert.deepEqual(stored, { id: run, status: 'RUNNING', options: { leads: 10 }, progress: { enriched: 0 }, stopRequested: false, finishedAt: null, error: null, resumedFrom: null });
  assert.deepEqual([typeof owner, heartbeatAt, typeof startedAt], ['string', startedAt, 'string']);
  store.exec("UPDATE enrichments SET pain_points = 'scaling'");
  assert.throws(() => getEnrichment(store, id), /store's pain_points column holds text that is not JSON/);
});
