import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { listLeads, getLead } from '../lib/store/leads';
import { suppressionReason } from '../lib/store/suppressions';
import { unsubscribeToken } from '../lib/outreach/unsubscribe';
import { startTestStatusServer, TEST_SECRET } from './support/browserServer';

const seed = async (s: Store) => {
  await runPipeline(s, { leads: 12, seed: 2, channels: ['email'] });
};

const oneClick = { 'Content-Type': 'application/x-www-form-urlencoded' };

test('GET /unsubscribe with a valid link shows a confirmation page and unsubscribes nobody', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const lead = listLeads(h.store, { limit: 1 }).leads[0];
  const res = await fetch(`${h.url}/unsubscribe?token=${unsubscribeToken(lead.id, TEST_SECRET)}`);
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
  const url = `${h.url}/unsubscribe?token=${unsubscribeToken(lead.id, TEST_SECRET)}`;
  const res = await fetch(url, { method: 'POST', headers: oneClick, body: 'List-Unsubscribe=One-Click' });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /You are unsubscribed/);
  assert.match(suppressionReason(h.store, lead.email) ?? '', /unsubscribed/);
  assert.equal(getLead(h.store, lead.id)?.status, 'SUPPRESSED');

  const again = await fetch(url, { method: 'POST', headers: { ...oneClick, Accept: 'application/json' }, body: 'List-Unsubscribe=One-Click' });
  assert.deepEqual(await again.json(), { unsubscribed: true, alreadySuppressed: true });
});

test('an altered unsubscribe link is refused and changes nothing', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const [a, b] = listLeads(h.store, { limit: 2 }).leads;
  const forged = `${b.id}.${unsubscribeToken(a.id, TEST_SECRET).split('.')[1]}`;
  for (const token of [forged, unsubscribeToken(a.id, 'another-secret-entirely'), '<script>', '']) {
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
  const res = await fetch(`${h.url}/unsubscribe?token=${unsubscribeToken(lead.id, TEST_SECRET)}`, { method: 'POST', headers: oneClick, body: 'List-Unsubscribe=One-Click' });
  assert.equal(res.status, 503);
  assert.match(await res.text(), /reply to the email/);
  assert.ok(h.logLines().some((l) => String(l.reason ?? '').includes('LEADFLOW_SECRET')));
  assert.equal(suppressionReason(h.store, lead.email), null);
});
