/**
 * Leads in, written to, and sent on both databases (one suite, two drivers): import with its report, the enrich
 * and personalize stages for chosen leads (what the n8n nodes and MCP tools call), then a dry run — and the two
 * databases end with the same leads, enrichments and messages, field for field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importRows } from '../lib/leads/importLeads';
import { ingestStored } from '../lib/leads/ingest';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { emailHash, suppressOn } from '../lib/store/suppressions';
import { generateLeads } from '../lib/leads/generate/generate';
import type { Db } from '../lib/store/db';
import { bothDrivers, freshLocation, openForTest, sendStates, TEST_DRIVERS } from './support/stores';

const ROWS = [
  { email: 'Ana@Harborview.test', first_name: 'Ana', last_name: 'Lopez', title: 'COO', company: 'Harborview', website: 'https://harborview.test', country: 'Spain', Seniority: 'VP' },
  { email: 'ben@tillpoint.test', first_name: 'Ben', title: 'Head of Finance', company: 'Tillpoint', website: 'https://tillpoint.test' },
  { email: 'ana@harborview.test', first_name: 'Ana', company: 'Harborview' },
  { email: 'not-an-address', first_name: 'X', company: 'Nowhere' },
  { email: 'gone@erased.test', first_name: 'Gone', company: 'Erased Co' },
];

bothDrivers('an import reports every row: in (its address lower-cased), duplicate in any case, invalid, erased; custom columns kept', async (t, store) => {
  await store.transaction((tx) => suppressOn(tx, 'email_sha256', emailHash('gone@erased.test'), 'erased (test)', new Date().toISOString()));
  const report = await importRows(store, ROWS, { source: 'test' });
  assert.equal(report.rows, 5);
  assert.equal(report.inserted, 2);
  assert.deepEqual(
    report.rejected.map((r) => [r.rowNumber, r.reason.split(':')[0]]),
    [[3, 'duplicate_in_input'], [4, 'invalid_email'], [5, 'erased']],
  );
  assert.deepEqual(report.attributes, ['Seniority']);
  const again = await importRows(store, ROWS.slice(0, 2), { source: 'test' });
  assert.equal(again.inserted, 0, 'importing the same rows again adds nothing');
  assert.deepEqual(again.rejected.map((r) => r.reason.split(':')[0]), ['duplicate', 'duplicate']);
  assert.deepEqual(await store.all('SELECT email, status, attributes FROM leads ORDER BY id'), [
    ['ana@harborview.test', 'NEW', '{"Seniority":"VP"}'],
    ['ben@tillpoint.test', 'NEW', '{}'],
  ]);
});

bothDrivers('chosen leads go NEW → ENRICHED → MESSAGED once, and a dry run records them without sending', async (t, store) => {
  const stored = await ingestStored(store, generateLeads({ count: 6, seed: 3 }));
  assert.deepEqual(stored.map((s) => s.outcome), Array(6).fill('inserted'));
  const ids = stored.map((s) => s.lead!.id);
  const enriched = await enrichChosen(store, [...ids, ids[0]]);
  assert.deepEqual(enriched.map((r) => r.outcome), [...Array(6).fill('enriched'), 'already_enriched']);
  assert.deepEqual((await enrichChosen(store, ids)).map((r) => r.outcome), Array(6).fill('already_enriched'));
  const written = await personalizeChosen(store, ids, { channels: ['email', 'linkedin'], messages: 'assigned' });
  assert.deepEqual(written.map((r) => r.outcome), Array(6).fill('messaged'));
  for (const r of written) {
    assert.ok(r.outcome === 'messaged');
    assert.deepEqual(r.messages.map((m) => [m.channel, m.variant]), [['email', r.lead.variant], ['linkedin', r.lead.variant]]);
    assert.ok(r.messages.every((m) => m.id > 0 && m.body.length > 20));
  }
  assert.deepEqual((await personalizeChosen(store, ids, { channels: ['email'] })).map((r) => r.outcome), Array(6).fill('already_messaged'));
  const dry = await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }));
  assert.equal(dry.simulated, 6);
  assert.deepEqual(await sendStates(store), { SENT: 6 });
  assert.deepEqual(await store.all('SELECT DISTINCT status FROM leads'), [['MESSAGED']], 'a dry run moves nobody');
});

/** What the stages leave, without ids and times (the databases number and stamp on their own). */
async function contents(db: Db): Promise<unknown> {
  return {
    leads: await db.all('SELECT email, first_name, company, company_domain, variant, status, status_reason, attributes, campaign_id FROM leads ORDER BY email'),
    enrichments: await db.all(
      'SELECT l.email, e.company_size, e.persona, e.seniority, e.pain_points, e.buying_triggers, e.confidence, e.provenance, e.source FROM enrichments e JOIN leads l ON l.id = e.lead_id ORDER BY l.email',
    ),
    messages: await db.all(
      'SELECT l.email, m.channel, m.variant, m.step, m.subject, m.body, m.word_count, m.source, m.campaign_id FROM messages m JOIN leads l ON l.id = m.lead_id ORDER BY l.email, m.channel, m.variant',
    ),
  };
}

test('the same leads through import, enrich and personalize leave SQLite and PostgreSQL with the same rows', async (t) => {
  const stores = await Promise.all(TEST_DRIVERS.map(async (driver) => openForTest(t, await freshLocation(t, driver))));
  const rows = generateLeads({ count: 40, seed: 11 }).map((l) => ({ email: l.email, first_name: l.firstName, last_name: l.lastName, title: l.title, company: l.company, website: l.website, industry: l.industry, country: l.country }));
  for (const store of stores) {
    const report = await importRows(store, rows, { source: 'test' });
    await enrichChosen(store, report.ids);
    await personalizeChosen(store, report.ids, { channels: ['email', 'linkedin'] });
  }
  const [sqlite, postgres] = await Promise.all(stores.map(contents));
  assert.equal((sqlite as { messages: unknown[] }).messages.length, 160);
  assert.deepEqual(postgres, sqlite);
});
