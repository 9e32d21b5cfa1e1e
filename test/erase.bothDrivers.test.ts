/**
 * A person's erasure on both databases (one suite, two drivers), as a team on the shared PostgreSQL store of n8n
 * queue mode needs it as much as one on a SQLite file: every row about them goes in one transaction — the lead, its
 * enrichment, messages, ledger rows and events, events that only name the address, a plain suppression of it — and
 * the address stays only as a hash on the suppression list, so it is never imported again. Through the library and
 * through `leadflow erase --db postgres://…`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importRows } from '../lib/leads/importLeads';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { eraseEmail, eraseLead, ERASURE_REASON } from '../lib/leads/erase';
import { emailHash, suppressOn } from '../lib/store/suppressions';
import type { AnyStore } from '../lib/store/openDb';
import { bothDrivers, freshLocation, openForTest } from './support/stores';
import { leadflowAwait } from './support/cli';

const ROWS = [
  { email: 'ana@harborview.test', first_name: 'Ana', title: 'COO', company: 'Harborview', website: 'https://harborview.test' },
  { email: 'ben@tillpoint.test', first_name: 'Ben', title: 'CFO', company: 'Tillpoint', website: 'https://tillpoint.test' },
];

/** Both leads imported, enriched, written and dry-run; a bounce that names Ana's address without her lead; a plain suppression of it. */
async function seed(store: AnyStore): Promise<number[]> {
  const { ids } = await importRows(store, ROWS, { source: 'test' });
  await enrichChosen(store, ids);
  await personalizeChosen(store, ids, { channels: ['email'] });
  await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }));
  const now = new Date().toISOString();
  await store.run("INSERT INTO events (lead_id, type, detail, created_at) VALUES (NULL, 'bounce', ?, ?)", [JSON.stringify({ recipient: 'Ana@Harborview.TEST' }), now]);
  await store.run("INSERT INTO events (lead_id, type, detail, created_at) VALUES (?, 'reply', '{}', ?)", [ids[0], now]);
  await store.transaction((tx) => suppressOn(tx, 'email', 'ana@harborview.test', 'asked (test)', now));
  return ids;
}

const rowsAbout = async (store: AnyStore, leadId: number) =>
  Object.fromEntries(
    await Promise.all(
      ['enrichments', 'messages', 'sends', 'events'].map(async (table) => [table, Number((await store.get(`SELECT count(*) FROM ${table} WHERE lead_id = ?`, [leadId]))![0])]),
    ),
  );

bothDrivers('erasing a person deletes every row about them, keeps their address only as a hash, and it is never imported again', async (t, store) => {
  const [ana, ben] = await seed(store);
  const benBefore = await rowsAbout(store, ben);
  const r = await eraseEmail(store, '  ANA@Harborview.test ');
  assert.equal(r.leadId, ana);
  assert.deepEqual(r.deleted, { leads: 1, enrichments: 1, messages: 2, sends: 1, events: 2, suppressions: 1 });
  assert.equal(r.hash, emailHash('ana@harborview.test'));
  assert.deepEqual(await rowsAbout(store, ana), { enrichments: 0, messages: 0, sends: 0, events: 0 });
  assert.deepEqual(await store.all("SELECT count(*) FROM events WHERE detail LIKE '%arborview%'"), [[0]], 'the event that only named the address is gone too');
  assert.deepEqual(await store.all('SELECT kind, value, reason FROM suppressions ORDER BY id'), [['email_sha256', r.hash, ERASURE_REASON]]);
  assert.deepEqual(await rowsAbout(store, ben), benBefore, 'nobody else lost a row');
  const again = await importRows(store, [ROWS[0]], { source: 'test' });
  assert.deepEqual(again.rejected.map((x) => x.reason.split(':')[0]), ['erased']);
  assert.equal(await eraseLead(store, ana), undefined, 'an erased id is no lead any more');
});

test('`leadflow erase --db postgres://…` erases on the shared store, and an address it never held is blocked for the future', async (t) => {
  const url = await freshLocation(t, 'postgres');
  const store = await openForTest(t, url);
  const [ana] = await seed(store);
  const r = await leadflowAwait(['erase', 'ana@harborview.test', '--db', url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`erased lead #${ana}: 2 message\\(s\\), 1 send record\\(s\\), 2 event\\(s\\) removed`));
  assert.deepEqual(await store.all('SELECT count(*) FROM leads'), [[1]]);
  const unknown = await leadflowAwait(['erase', 'zoe@elsewhere.test', '--json', '--db', url]);
  assert.equal(unknown.code, 0, unknown.stderr);
  assert.equal((JSON.parse(unknown.stdout) as { leadId: number | null }).leadId, null);
  assert.deepEqual(await store.all('SELECT value FROM suppressions WHERE kind = ? ORDER BY id', ['email_sha256']), [[emailHash('ana@harborview.test')], [emailHash('zoe@elsewhere.test')]]);
  const bad = await leadflowAwait(['erase', 'nobody', '--db', url]);
  assert.equal(bad.code, 2, 'a bad address is input');
  assert.match(bad.stderr, /not an email address/);
});
