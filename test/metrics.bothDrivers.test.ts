/**
 * What the store says, on both databases: the same leads, stages, dry run and outcomes on SQLite and on PostgreSQL
 * give the same metrics (SQLite reads its kept tallies, PostgreSQL counts its rows), the same lead pages and
 * searches, and the same export — through the library, the CLI (`--db postgres://…`) and the Outreach Metrics node
 * with a Leadflow Store credential (n8n queue mode).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { importRows } from '../lib/leads/importLeads';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { recordEvent } from '../lib/inbound/events';
import { getMetrics, type Metrics } from '../lib/metrics/metrics';
import { listLeadsOf } from '../lib/store/leads';
import { exportLeads } from '../lib/leads/exportLeads';
import type { AnyStore } from '../lib/store/openDb';
import { OutreachMetrics } from '../nodes/OutreachMetrics/OutreachMetrics.node.ts';
import { bothDrivers, freshLocation, openForTest, TEST_DRIVERS } from './support/stores';
import { leadflowAwait } from './support/cli';
import { runNode } from './support/n8nEngine';
import { storeCredential } from './support/storeCredential';
import { tempStorePath } from './support/tmp';

const PEOPLE = [
  ['Ana', 'Lopez', 'COO', 'Harborview Logistics', { Seniority: 'VP', Region: 'South' }],
  ['Ben', 'Okafor', 'Head of Finance', 'Tillpoint', {}],
  ['Cleo', 'Harbor', 'CTO', 'Brightline', { Budget: '50k', Seniority: 'C-level' }],
  ['Dev', 'Patel', 'VP Operations', 'Harborview Logistics', {}],
  ['Eve', 'Stone', 'CFO', 'Quarry & Co', {}],
  ['Finn', 'Walsh', 'Head of People', 'Tillpoint', { Region: 'North' }],
  ['Gia', 'Rossi', 'COO', 'Northwind', {}],
  ['Hal', 'Berg', 'Controller', 'Northwind', {}],
  ['Ida', 'Novak', 'CEO', 'Lumen Health', {}],
  ['Jon', 'Reyes', 'Operations Manager', 'Lumen Health', {}],
  ['Kai', 'Mori', 'Director of Finance', 'Brightline', {}],
  ['Lea', 'Weiss', 'Head of Operations', 'Quarry & Co', {}],
] as const;

const rows = PEOPLE.map(([first, last, title, company, extra]) => {
  const domain = `${company.toLowerCase().replace(/[^a-z]+/g, '')}.example`;
  return { email: `${first.toLowerCase()}@${domain}`, first_name: first, last_name: last, title, company, website: `https://${domain}`, country: 'Germany', ...extra };
});

/** One team's week: 12 imported, 10 enriched, 8 written and dry-run, then a reply, a bounce and an unsubscribe. */
async function workload(store: AnyStore): Promise<void> {
  const report = await importRows(store, rows, { source: 'test' });
  assert.equal(report.inserted, 12);
  await enrichChosen(store, report.ids.slice(0, 10));
  await personalizeChosen(store, report.ids.slice(0, 8), { channels: ['email'] });
  const dry = await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }));
  assert.equal(dry.simulated, 8);
  for (const [type, email] of [['reply', rows[0].email], ['bounce', rows[1].email], ['unsubscribe', rows[2].email]] as const) {
    await recordEvent(store, { type, email });
  }
}

/** The metrics without the moment they were read. */
const figures = ({ generatedAt: _at, ...m }: Metrics) => m;

bothDrivers('the metrics count what happened: the funnel, the dry run apart, statuses, outcomes per variant, suppressions', async (t, store) => {
  await workload(store);
  const m = await getMetrics(store);
  assert.deepEqual(m.funnel.map((f) => f.leads), [12, 10, 8, 0, 1], 'generated, enriched, messaged, sent (live only), replied');
  assert.deepEqual(m.simulated, { leads: 8, sends: 8 });
  assert.deepEqual(
    Object.fromEntries(Object.entries(m.leads.byStatus).filter(([, n]) => n > 0)),
    { NEW: 2, ENRICHED: 2, MESSAGED: 5, REPLIED: 1, BOUNCED: 1, SUPPRESSED: 1 },
  );
  assert.equal(m.messages.total, 16, 'both variants written for each of the 8');
  assert.equal(m.sends.live, 0);
  assert.equal(m.sends.dryRunByState.SENT, 8);
  assert.equal(m.abTest.basis, 'dry-run');
  assert.deepEqual(
    ['replies', 'bounces', 'unsubscribes'].map((k) => m.abTest.variants.reduce((n, v) => n + Number(v[k as 'replies']), 0)),
    [1, 1, 1],
  );
  assert.equal(m.variants.reduce((n, v) => n + v.leads, 0), 12);
  assert.ok(m.suppressions >= 1, 'the unsubscribe is a suppression');
  assert.deepEqual(figures(await getMetrics(store, { campaign: 'demo' })).funnel, m.funnel, 'every lead is in the demo campaign');
  await assert.rejects(getMetrics(store, { campaign: 'nope' }), /no campaign "nope" in the store; campaigns: demo/);
});

test('the same week on SQLite and on PostgreSQL: the same metrics, lead pages, searches and export', async (t) => {
  const stores = await Promise.all(TEST_DRIVERS.map(async (driver) => openForTest(t, await freshLocation(t, driver))));
  for (const store of stores) await workload(store);
  const [sqlite, postgres] = stores;
  assert.deepEqual(figures(await getMetrics(postgres)), figures(await getMetrics(sqlite)));

  const page = async (store: AnyStore, q: Parameters<typeof listLeadsOf>[1]) => {
    const p = await listLeadsOf(store, q);
    return { emails: p.leads.map((l) => l.email), total: p.total, hasMore: p.hasMore, totalIsLowerBound: p.totalIsLowerBound };
  };
  const queries: Parameters<typeof listLeadsOf>[1][] = [
    {},
    { search: 'harbor' },
    { search: 'HARBOR ana' },
    { search: 'head tillpoint' },
    { search: 'quarry & co' },
    { search: 'harborviewlogistics.example' },
    { search: 'arbor' },
    { status: 'MESSAGED', limit: 3 },
    { limit: 5, afterId: 5 },
    { limit: 5, beforeId: 6 },
  ];
  for (const q of queries) assert.deepEqual(await page(postgres, q), await page(sqlite, q), JSON.stringify(q));
  assert.deepEqual((await page(postgres, { search: 'harbor' })).emails, ['ana@harborviewlogistics.example', 'cleo@brightline.example', 'dev@harborviewlogistics.example']);
  assert.deepEqual((await page(postgres, { search: 'arbor' })).emails, [], 'a word matches from its start');

  const exported = async (store: AnyStore, format: 'csv' | 'json') => {
    let out = '';
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((out += chunk.toString()), done()) });
    const n = await exportLeads(store, sink, { format });
    return { n, out: out.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T') };
  };
  for (const format of ['csv', 'json'] as const) assert.deepEqual(await exported(postgres, format), await exported(sqlite, format), format);
  const csv = (await exported(postgres, 'csv')).out.split('\n');
  assert.match(csv[0], /,updatedAt,Seniority,Region,Budget$/, 'attribute columns in the order leads brought them');
  assert.match(csv[3], /^3,cleo@brightline\.example,.*,C-level,,50k$/);
});

test('the CLI reads a PostgreSQL store: metrics, leads and export with --db postgres://…', async (t) => {
  const url = await freshLocation(t, 'postgres');
  const store = await openForTest(t, url);
  await workload(store);
  const metrics = await leadflowAwait(['metrics', '--json', '--db', url]);
  assert.equal(metrics.code, 0, metrics.stderr);
  assert.deepEqual(figures(JSON.parse(metrics.stdout) as Metrics), figures(await getMetrics(store)));
  const text = await leadflowAwait(['metrics', '--db', url]);
  assert.match(text.stdout, /Funnel — 12 lead\(s\) in postgres:\/\//);
  const leads = await leadflowAwait(['leads', '--search', 'tillpoint', '--json', '--db', url]);
  assert.equal(leads.code, 0, leads.stderr);
  assert.deepEqual((JSON.parse(leads.stdout) as { leads: { email: string }[] }).leads.map((l) => l.email), ['ben@tillpoint.example', 'finn@tillpoint.example']);
  const csv = await leadflowAwait(['export', '--campaign', 'demo', '--db', url]);
  assert.equal(csv.code, 0, csv.stderr);
  assert.equal(csv.stdout.trim().split('\n').length, 13, 'a header and 12 leads');
  const unknown = await leadflowAwait(['export', '--campaign', 'nope', '--db', url]);
  assert.equal(unknown.code, 2, 'an input error');
  assert.match(unknown.stderr, /no campaign "nope" in the store; campaigns: demo/);
});

test('the Outreach Metrics node reads the PostgreSQL store its Leadflow Store credential names, never the Store File', async (t) => {
  const url = await freshLocation(t, 'postgres');
  const store = await openForTest(t, url);
  await workload(store);
  const storePath = tempStorePath(t);
  const credentials = { leadflowStore: storeCredential(url) };
  const funnel = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'funnel' }, credentials });
  assert.equal(funnel.error, undefined);
  assert.deepEqual(figures(funnel.items[0].json as unknown as Metrics).funnel, (await getMetrics(store)).funnel);
  const variants = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'variants', campaign: 'demo' }, credentials });
  assert.equal(variants.items.reduce((n, i) => n + Number(i.json.leads), 0), 12);
  const listed = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'leads', search: 'lumen', status: 'ENRICHED' }, credentials });
  assert.deepEqual(listed.items.map((i) => i.json.email), ['ida@lumenhealth.example', 'jon@lumenhealth.example']);
  const unwritten = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'leads', status: 'NEW' }, credentials });
  assert.deepEqual(unwritten.items.map((i) => i.json.email), ['kai@brightline.example', 'lea@quarryco.example']);
  const file = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'export', format: 'json' }, credentials });
  assert.equal(file.items[0].json.count, 12);
  assert.ok(!existsSync(storePath), 'the Store File was never opened');
});
