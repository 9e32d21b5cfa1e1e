import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { listLeads, getLead } from '../lib/store/leads';
import { suppressionReason } from '../lib/store/suppressions';
import { unsubscribeToken } from '../lib/inbound/unsubscribe';
import { startTestStatusServer, TEST_SECRET } from './support/browserServer';

const seed = async (s: Store) => {
  await runPipeline(s, { leads: 12, seed: 2, channels: ['email'] });
};

const oneClick = { 'Content-Type': 'application/x-www-form-urlencoded' };

test('GET /unsubscribe with a valid link shows a confirmation page and unsubscribes nobody', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const lead = listLeads(h.store, { limit: 1 }).leads[0];
  const res = await fetch(`${h.url}/unsubscribe?token=${unsubscribeToken(lead, TEST_SECRET)}`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<form method="post" action="\/unsubscribe\?token=/);
  assert.match(html, /name="List-Unsubscribe" value="One-Click"/);
  assert.ok(!html.includes(lead.email), 'the page shows nothing about the person');
  assert.equal(suppressionReason(h.store, lead.email), null);
  assert.equal(getLead(h.store, lead.id)?.status, lead.status);
});

test('POST /unsubscribe (RFC 8058 one-click) suppresses the address at once, with no bearer token', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const lead = listLeads(h.store, { limit: 1, offset: 4 }).leads[0];
  const url = `${h.url}/unsubscribe?token=${unsubscribeToken(lead, TEST_SECRET)}`;
  const res = await fetch(url, { method: 'POST', headers: oneClick, body: 'List-Unsubscribe=One-Click' });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /You are unsubscribed/);
  assert.match(suppressionReason(h.store, lead.email) ?? '', /unsubscribed/);
  assert.equal(getLead(h.store, lead.id)?.status, 'SUPPRESSED');

  const again = await fetch(url, { method: 'POST', headers: { ...oneClick, Accept: 'application/json' }, body: 'List-Unsubscribe=One-Click' });
  assert.deepEqual(await again.json(), { unsubscribed: true, alreadySuppressed: true });
});

test('a POST without the List-Unsubscribe=One-Click body unsubscribes nobody (RFC 8058)', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const lead = listLeads(h.store, { limit: 1, offset: 2 }).leads[0];
  const url = `${h.url}/unsubscribe?token=${unsubscribeToken(lead, TEST_SECRET)}`;
  for (const [headers, body] of [
    [{}, undefined],
    [oneClick, ''],
    [oneClick, 'List-Unsubscribe=Yes'],
    [oneClick, 'Unsubscribe=One-Click'],
    [{ 'Content-Type': 'text/plain' }, 'List-Unsubscribe=One-Click'],
  ] as const) {
    const res = await fetch(url, { method: 'POST', headers, body });
    assert.equal(res.status, 400, `${JSON.stringify(headers)} ${body}`);
    const html = await res.text();
    assert.match(html, /name="List-Unsubscribe" value="One-Click"/, 'a person who lands here can still confirm');
  }
  const json = await fetch(url, { method: 'POST', headers: { Accept: 'application/json' } });
  assert.equal(json.status, 400);
  assert.match((await json.json()).error, /List-Unsubscribe=One-Click/);
  assert.equal(suppressionReason(h.store, lead.email), null);
  assert.equal(getLead(h.store, lead.id)?.status, lead.status);
});

test("the confirmation page's own form, submitted as a browser does, unsubscribes", async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const lead = listLeads(h.store, { limit: 1, offset: 3 }).leads[0];
  const html = await (await fetch(`${h.url}/unsubscribe?token=${unsubscribeToken(lead, TEST_SECRET)}`)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1].replaceAll('&amp;', '&');
  const fields = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  const res = await fetch(new URL(action, h.url), { method: 'POST', body: fields });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /You are unsubscribed/);
  assert.match(suppressionReason(h.store, lead.email) ?? '', /unsubscribed/);
});

test('a one-click POST sent as multipart/form-data (as some mailbox providers do) unsubscribes', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const lead = listLeads(h.store, { limit: 1, offset: 5 }).leads[0];
  const form = new FormData();
  form.set('List-Unsubscribe', 'One-Click');
  const res = await fetch(`${h.url}/unsubscribe?token=${unsubscribeToken(lead, TEST_SECRET)}`, { method: 'POST', body: form });
  assert.equal(res.status, 200);
  assert.match(suppressionReason(h.store, lead.email) ?? '', /unsubscribed/);
});

test('an altered unsubscribe link is refused and changes nothing', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const [a, b] = listLeads(h.store, { limit: 2 }).leads;
  const forged = unsubscribeToken(a, TEST_SECRET).replace(/^\d+/, String(b.id));
  for (const token of [forged, unsubscribeToken(a, 'another-secret-entirely'), '<script>', '']) {
    const get = await fetch(`${h.url}/unsubscribe?token=${encodeURIComponent(token)}`);
    assert.equal(get.status, 400, token);
    const html = await get.text();
    assert.match(html, /not valid/);
    assert.ok(!html.includes('<script>'), 'the token is never echoed unchecked');
    const post = await fetch(`${h.url}/unsubscribe?token=${encodeURIComponent(token)}`, { method: 'POST', headers: oneClick, body: 'List-Unsubscribe=One-Click' });
    assert.equal(post.status, 400, token);
  }
  assert.equal(suppressionReason(h.store, a.email), null);
  assert.equal(suppressionReason(h.store, b.email), null);
});

test('without LEADFLOW_SECRET the unsubscribe page says so (503) and the log names the setting', async (t) => {
  const h = await startTestStatusServer(t, { seed, secret: null });
  const lead = listLeads(h.store, { limit: 1 }).leads[0];
  const res = await fetch(`${h.url}/unsubscribe?token=${unsubscribeToken(lead, TEST_SECRET)}`, { method: 'POST', headers: oneClick, body: 'List-Unsubscribe=One-Click' });
  assert.equal(res.status, 503);
  assert.match(await res.text(), /reply to the email/);
  assert.ok(h.logLines().some((l) => String(l.reason ?? '').includes('LEADFLOW_SECRET')));
  assert.equal(suppressionReason(h.store, lead.email), null);
});
