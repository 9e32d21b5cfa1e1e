/**
 * An unsubscribe link names the address it was mailed to, and lead ids never repeat: a link from an old email can
 * only ever unsubscribe that address — never the person who holds its id today. Through the page, as a mailbox
 * provider's one-click POST arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Store } from '../lib/store/store';
import { importRows } from '../lib/leads/importLeads';
import { getLead, type StoredLead } from '../lib/store/leads';
import { suppressionReason } from '../lib/store/suppressions';
import { unsubscribeToken } from '../lib/inbound/unsubscribe';
import { startTestStatusServer, TEST_SECRET, type TestStatusServer } from './support/browserServer';

const person = (email: string, name: string) => ({ email, name, title: 'COO', company: `${name} Freight`, website: 'https://freight.example', country: 'Germany' });

async function add(store: Store, email: string, name: string): Promise<StoredLead> {
  const report = await importRows(store, [person(email, name)], { source: 'test' });
  assert.equal(report.inserted, 1, JSON.stringify(report.rejected));
  return getLead(store, report.ids[0])!;
}

/** The one-click POST a mailbox provider makes (RFC 8058), asking for JSON so the answer can be read. */
async function oneClick(h: TestStatusServer, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.url}/unsubscribe?token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: 'List-Unsubscribe=One-Click',
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('lead ids are never reused: not after the newest lead is erased, not after a clear', async (t) => {
  const h = await startTestStatusServer(t);
  const first = await add(h.store, 'ada@freight.example', 'Ada Byron');
  const second = await add(h.store, 'bo@freight.example', 'Bo Chen');
  assert.equal((await h.authed(`/api/leads/${second.id}`, { method: 'DELETE' })).status, 200);
  const third = await add(h.store, 'cy@freight.example', 'Cy Diaz');
  assert.ok(third.id > second.id, `the erased newest id ${second.id} came back as ${third.id}`);
  assert.equal((await h.authed('/api/leads', { method: 'DELETE' })).status, 200);
  const fourth = await add(h.store, 'di@freight.example', 'Di Evans');
  assert.ok(fourth.id > third.id && fourth.id !== first.id, `after a clear the next lead got id ${fourth.id}`);
});

test('after a clear, an old link changes nobody in the store, says so, and keeps its own address from being mailed', async (t) => {
  const h = await startTestStatusServer(t);
  const old = await add(h.store, 'ada@freight.example', 'Ada Byron');
  const token = unsubscribeToken(old, TEST_SECRET);
  assert.equal((await h.authed('/api/leads', { method: 'DELETE' })).status, 200);
  const newcomer = await add(h.store, 'bo@freight.example', 'Bo Chen');

  const r = await oneClick(h, token);
  assert.equal(r.status, 200);
  assert.equal(r.body.inStore, false);
  assert.match(String(r.body.message), /no longer in the store: nobody in it was changed/);
  assert.equal(getLead(h.store, newcomer.id)?.status, 'NEW');
  assert.equal(suppressionReason(h.store, newcomer.email), null);
  assert.match(suppressionReason(h.store, old.email) ?? '', /unsubscribed/, 'the person who clicked is never mailed again');
});

test('after an erase, an old link changes nothing and says so', async (t) => {
  const h = await startTestStatusServer(t);
  const bystander = await add(h.store, 'bo@freight.example', 'Bo Chen');
  const erased = await add(h.store, 'ada@freight.example', 'Ada Byron');
  const token = unsubscribeToken(erased, TEST_SECRET);
  assert.equal((await h.authed(`/api/leads/${erased.id}`, { method: 'DELETE' })).status, 200);
  const suppressionsBefore = h.store.stmt('SELECT count(*) AS n FROM suppressions').get()?.n;

  const r = await oneClick(h, token);
  assert.equal(r.status, 200);
  assert.deepEqual([r.body.inStore, r.body.alreadySuppressed], [false, true]);
  assert.equal(h.store.stmt('SELECT count(*) AS n FROM suppressions').get()?.n, suppressionsBefore);
  assert.equal(getLead(h.store, bystander.id)?.status, 'NEW');
});

test('a link whose id now belongs to someone else (a store from before ids were kept unique) leaves that person alone', async (t) => {
  const h = await startTestStatusServer(t);
  const old = await add(h.store, 'ada@freight.example', 'Ada Byron');
  const token = unsubscribeToken(old, TEST_SECRET);
  assert.equal((await h.authed(`/api/leads/${old.id}`, { method: 'DELETE' })).status, 200);
  // What an older leadflow did: the next lead took the freed id.
  const newcomer = await add(h.store, 'bo@freight.example', 'Bo Chen');
  h.store.stmt('UPDATE leads SET id = ? WHERE id = ?').run(old.id, newcomer.id);

  const r = await oneClick(h, token);
  assert.equal(r.status, 200);
  assert.equal(r.body.inStore, false);
  assert.equal(getLead(h.store, old.id)?.email, newcomer.email);
  assert.equal(getLead(h.store, old.id)?.status, 'NEW', 'the person now at that id is not suppressed');
  assert.equal(suppressionReason(h.store, newcomer.email), null);
});

test('a current link still unsubscribes its person at once', async (t) => {
  const h = await startTestStatusServer(t);
  await add(h.store, 'bo@freight.example', 'Bo Chen');
  const lead = await add(h.store, 'ada@freight.example', 'Ada Byron');
  const r = await oneClick(h, unsubscribeToken(lead, TEST_SECRET));
  assert.equal(r.status, 200);
  assert.equal(r.body.unsubscribed, true);
  assert.equal(r.body.inStore, undefined);
  assert.equal(getLead(h.store, lead.id)?.status, 'SUPPRESSED');
});

test('a first-format link (id only) works only for the lead a live email carried it to', async (t) => {
  const h = await startTestStatusServer(t);
  const mailed = await add(h.store, 'ada@freight.example', 'Ada Byron');
  const other = await add(h.store, 'bo@freight.example', 'Bo Chen');
  const v1 = (id: number) => `${id}.${createHmac('sha256', TEST_SECRET).update(`leadflow-unsubscribe-v1:${id}`).digest('base64url')}`;
  // The ledger row a live send of the previous version left: its List-Unsubscribe header carried the v1 link.
  const now = new Date().toISOString();
  const message = h.store
    .stmt("INSERT INTO messages (lead_id, channel, variant, step, subject, body, word_count, source, created_at) VALUES (?, 'email', 'A', 1, 's', 'b', 1, 'test', ?)")
    .run(mailed.id, now).lastInsertRowid;
  h.store
    .stmt("INSERT INTO sends (lead_id, channel, step, dry_run, message_id, state, headers, created_at, updated_at) VALUES (?, 'email', 1, 0, ?, 'SENT', ?, ?, ?)")
    .run(mailed.id, message, JSON.stringify({ 'List-Unsubscribe': `<https://unsub.example/u?token=${v1(mailed.id)}>` }), now, now);

  const refused = await oneClick(h, v1(other.id));
  assert.equal(refused.status, 400);
  assert.match(String(refused.body.error), /older version/);
  assert.equal(getLead(h.store, other.id)?.status, 'NEW');

  const honoured = await oneClick(h, v1(mailed.id));
  assert.equal(honoured.status, 200);
  assert.equal(getLead(h.store, mailed.id)?.status, 'SUPPRESSED');
});
