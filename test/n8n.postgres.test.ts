/**
 * The nodes on a PostgreSQL store, through n8n's own engine: with a Leadflow Store credential, Generate Leads (import),
 * Enrich Leads, Personalize Messages (offline and in AI mode), Record Event, a live Send Outreach and Leadflow Campaign
 * (and the Campaign lists the editor loads) all work on the store every queue-mode worker shares — the Store File is
 * never touched — and the credential's test logs in for real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IDataObject } from 'n8n-workflow';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { LeadflowCampaign } from '../nodes/LeadflowCampaign/LeadflowCampaign.node.ts';
import { leadflowStoreConnectionTest } from '../nodes/shared/storeCredential.ts';
import { closeDb, openDb } from '../lib/store/openDb';
import { loadOptions, runNode } from './support/n8nEngine';
import { startSmtp } from './support/smtpServer';
import { COMPLIANCE, LIVE_TEST_DOMAIN } from './support/liveLeads';
import { testDatabase } from './support/postgres';
import { answer, good, startGroqServer } from './support/groqServer';
import { dataOf } from './support/groqFakeModel';
import { tempStorePath } from './support/tmp';

/** A Leadflow Store credential's fields for a test database URL (trust auth: any password logs in). */
function storeCredential(url: string, schema = 'leadflow'): ICredentialDataDecryptedObject {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), database: u.pathname.slice(1), user: u.username, password: '', schema, ssl: 'disable' };
}

const outcome = (json: IDataObject) => (json.leadflow as { outcome: string; reason?: string }).outcome;

test('Generate (import), Enrich, Personalize, Record Event and a live Send in queue mode work on the PostgreSQL store, never on the Store File', async (t) => {
  const url = await testDatabase(t);
  const storePath = tempStorePath(t);
  const credentials = { leadflowStore: storeCredential(url) };
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const people = ['dana', 'lee', 'sam'].map((name) => ({ email: `${name}@${LIVE_TEST_DOMAIN}`, name: `${name} Tester`, title: 'COO', company: 'Test Co', country: 'Germany' }));
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: people, credentials });
  assert.equal(generated.error, undefined);
  assert.deepEqual(generated.items.map((i) => outcome(i.json)), ['inserted', 'inserted', 'inserted']);
  const enriched = await runNode(new EnrichLeads(), { parameters: { storePath }, input: generated.items.map((i) => i.json), credentials });
  assert.deepEqual(enriched.items.map((i) => i.json.status), ['ENRICHED', 'ENRICHED', 'ENRICHED']);
  const written = await runNode(new PersonalizeMessages(), { parameters: { storePath }, input: enriched.items.map((i) => i.json), credentials });
  assert.deepEqual(written.items.map((i) => i.json.status), ['MESSAGED', 'MESSAGED', 'MESSAGED']);
  const unsubscribed = await runNode(new SendOutreach(), {
    parameters: { storePath, operation: 'recordEvent', eventType: 'unsubscribe', email: `sam@${LIVE_TEST_DOMAIN}` },
    credentials,
  });
  assert.equal(unsubscribed.items[0].json.status, 'SUPPRESSED');
  const smtpCredential = { host: '127.0.0.1', port: smtp.port, secure: false, fromName: 'Alex Smith', fromEmail: 'alex@sender.leadflow-test.net', unsubscribeSecret: COMPLIANCE.secret };
  // As a queue-mode worker: a SQLite store's live send would be refused; the shared PostgreSQL store's goes.
  process.env.EXECUTIONS_MODE = 'queue';
  t.after(() => delete process.env.EXECUTIONS_MODE);
  const sent = await runNode(new SendOutreach(), {
    parameters: { storePath, dryRun: false, mode: 'sendAll', ratePerMinute: 0, unsubscribeBaseUrl: COMPLIANCE.unsubscribeBaseUrl, postalAddress: COMPLIANCE.postalAddress },
    input: written.items.map((i) => i.json),
    credentials: { ...credentials, leadflowSmtp: smtpCredential },
  });
  assert.equal(sent.error, undefined);
  assert.deepEqual(sent.items.map((i) => [i.json.email, outcome(i.json)]), [
    [`dana@${LIVE_TEST_DOMAIN}`, 'sent'],
    [`lee@${LIVE_TEST_DOMAIN}`, 'sent'],
    [`sam@${LIVE_TEST_DOMAIN}`, 'skipped'],
  ]);
  assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), [`dana@${LIVE_TEST_DOMAIN}`, `lee@${LIVE_TEST_DOMAIN}`]);
  assert.ok(!existsSync(storePath), 'the Store File was never opened');
  const store = await openDb(url);
  t.after(() => closeDb(store));
  assert.deepEqual(await store.all('SELECT email, status FROM leads ORDER BY id'), [
    [`dana@${LIVE_TEST_DOMAIN}`, 'SENT'],
    [`lee@${LIVE_TEST_DOMAIN}`, 'SENT'],
    [`sam@${LIVE_TEST_DOMAIN}`, 'SUPPRESSED'],
  ]);
});

test('AI mode on the PostgreSQL store: Enrich asks once per company (a second lead of it is a cache hit, a failing one falls back), Personalize stores the model\'s drafts', async (t) => {
  const url = await testDatabase(t);
  const storePath = tempStorePath(t);
  const server = await startGroqServer({
    chat: (body) => (String(dataOf(body).domain ?? '') === 'contoso.test' ? answer('{"companySize": "51-200", "painPoints": [') : good(body)),
  });
  t.after(() => server.close());
  const credentials = { leadflowStore: storeCredential(url), leadflowGroqApi: { apiKey: 'gsk_test_key', baseUrl: server.baseURL } };
  const people = [
    { email: 'ana@northwind.test', name: 'Ana Lopez', title: 'CFO', company: 'Northwind', country: 'Spain', website: 'https://northwind.test' },
    { email: 'bo@northwind.test', name: 'Bo Berg', title: 'VP Finance', company: 'Northwind', country: 'Sweden', website: 'https://northwind.test' },
    { email: 'ben@contoso.test', name: 'Ben Okafor', title: 'VP Operations', company: 'Contoso', country: 'Germany', website: 'https://contoso.test' },
  ];
  const generated = await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: people, credentials });
  assert.equal(generated.error, undefined);
  const enriched = await runNode(new EnrichLeads(), { parameters: { storePath, method: 'ai' }, input: generated.items.map((i) => i.json), credentials });
  assert.equal(enriched.error, undefined);
  const via = (json: IDataObject) => (json.leadflow as { via?: string }).via;
  assert.deepEqual(enriched.items.map((i) => [i.json.email, outcome(i.json), via(i.json)]), [
    ['ana@northwind.test', 'enriched', 'model'],
    ['bo@northwind.test', 'enriched', 'cache'],
    ['ben@contoso.test', 'enriched', 'rules'],
  ]);
  assert.match(String((enriched.items[2].json.leadflow as { reason?: string }).reason), /not valid JSON/);
  const profiles = server.chatRequests().filter((r) => r.body.response_format?.json_schema?.name === 'company_profile');
  assert.deepEqual(profiles.map((r) => dataOf(r.body).domain), ['northwind.test', 'contoso.test', 'contoso.test'], 'Northwind once; Contoso once and its one repair');

  const written = await runNode(new PersonalizeMessages(), { parameters: { storePath, method: 'ai' }, input: enriched.items.map((i) => i.json), credentials });
  assert.equal(written.error, undefined);
  assert.deepEqual(written.items.map((i) => [outcome(i.json), via(i.json)]), Array(3).fill(['messaged', 'model']));
  assert.ok(!existsSync(storePath), 'the Store File was never opened');

  const store = await openDb(url);
  t.after(() => closeDb(store));
  assert.deepEqual(await store.all('SELECT email, status FROM leads ORDER BY id'), people.map((p) => [p.email, 'MESSAGED']));
  assert.deepEqual(await store.all('SELECT company_domain, hits FROM llm_cache'), [['northwind.test', 1]]);
  assert.deepEqual(await store.all("SELECT l.email, e.detail::json->>'usedInstead' FROM events e JOIN leads l ON l.id = e.lead_id WHERE e.type = 'llm_fallback'"), [
    ['ben@contoso.test', 'rules-v1'],
  ]);
  assert.deepEqual(await store.all("SELECT DISTINCT source FROM messages"), [['groq:openai/gpt-oss-120b']]);
  assert.deepEqual(await store.all('SELECT purpose, count(*) FROM llm_requests GROUP BY purpose ORDER BY purpose'), [['enrich', 3], ['personalize', 3]], "every request reserved in the store's shared budget");
});

test('Leadflow Campaign on the PostgreSQL store: saved and activated, leads added, listed with their counts; the Campaign lists read that store', async (t) => {
  const url = await testDatabase(t);
  const storePath = tempStorePath(t);
  const credentials = { leadflowStore: storeCredential(url) };
  const yaml = readFileSync(join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml'), 'utf8');
  const saved = await runNode(new LeadflowCampaign(), { parameters: { storePath, operation: 'save', campaignText: yaml, activate: true }, credentials });
  assert.equal(saved.error, undefined);
  assert.deepEqual([outcome(saved.items[0].json), saved.items[0].json.state, saved.items[0].json.product], ['created', 'active', 'Tillpoint Payroll']);
  const people = ['dana', 'lee'].map((name) => ({ email: `${name}@harborview.example`, name: `${name} Tester`, title: 'CFO', company: 'Harborview' }));
  const imported = await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: people, credentials });
  const added = await runNode(new LeadflowCampaign(), {
    parameters: { storePath, operation: 'addLeads', campaign: 'payroll-restaurants' },
    input: imported.items.map((i) => i.json),
    credentials,
  });
  assert.equal(added.error, undefined);
  assert.deepEqual(added.items.map((i) => outcome(i.json)), ['added', 'added']);
  const listed = await runNode(new LeadflowCampaign(), { parameters: { storePath, operation: 'list' }, credentials });
  assert.deepEqual(listed.items.map((i) => [i.json.name, i.json.state, i.json.leads]), [['demo', 'active', 0], ['payroll-restaurants', 'active', 2]]);
  const paused = await runNode(new LeadflowCampaign(), { parameters: { storePath, operation: 'pause', campaign: 'payroll-restaurants' }, credentials });
  assert.deepEqual([outcome(paused.items[0].json), paused.items[0].json.state], ['paused', 'paused']);
  // The editor's Campaign list, on any node that has the credential, is the shared store's.
  const options = await loadOptions(new PersonalizeMessages(), 'listCampaigns', { parameters: { storePath }, credentials });
  assert.deepEqual(options.map((o) => o.name), ['Every Campaign', 'demo (active)', 'payroll-restaurants (paused)']);
  assert.ok(!existsSync(storePath), 'the Store File was never opened');
});

test('the Leadflow Store credential test logs in for real: right, wrong password, no such database, a schema it may not create', async (t) => {
  const url = await testDatabase(t);
  const check = (data: IDataObject) => leadflowStoreConnectionTest.call({} as ICredentialTestFunctions, { id: '1', name: 'store', type: 'leadflowStore', data: data as never });
  assert.deepEqual(await check(storeCredential(url)), { status: 'OK', message: 'Connection successful: schema "leadflow" will be created on first use' });
  // A login that must give a password, and may not create anything in the database.
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query("CREATE ROLE outreach LOGIN PASSWORD 'right-password'");
  await admin.query(`REVOKE CREATE ON DATABASE ${new URL(url).pathname.slice(1)} FROM PUBLIC`);
  await admin.end();
  const outreach = { ...storeCredential(url), user: 'outreach', password: 'right-password' };
  const refused = await check(outreach);
  assert.equal(refused.status, 'Error');
  assert.match(refused.message, /schema "leadflow" does not exist and this user may not create it/);
  const noDatabase = await check({ ...storeCredential(url), database: 'no_such_db' });
  assert.equal(noDatabase.status, 'Error');
  assert.match(noDatabase.message, /database "no_such_db" does not exist/);
  // The schema made by an owner first: the same login now passes.
  const store = await openDb(url);
  await closeDb(store);
  assert.deepEqual(await check(outreach), { status: 'OK', message: 'Connection successful: schema "leadflow" is there' });
  // And that login, given use of the schema and its tables (no CREATE anywhere), opens the store and writes to it.
  const owner = new pg.Client({ connectionString: url });
  await owner.connect();
  await owner.query('GRANT USAGE ON SCHEMA leadflow TO outreach; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA leadflow TO outreach');
  await owner.end();
  const u = new URL(url);
  u.username = 'outreach';
  u.password = 'right-password';
  const asOutreach = await openDb(u.href);
  t.after(() => closeDb(asOutreach));
  assert.equal(await asOutreach.run("INSERT INTO suppressions (kind, value, reason, created_at) VALUES ('email', 'x@y.test', 'test', 'now')"), 1);
});
