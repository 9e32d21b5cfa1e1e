/**
 * The status page served beyond loopback (`leadflow serve --host 0.0.0.0`), and the unsubscribe-only listener
 * (`--unsubscribe-port`). The servers bind 0.0.0.0 for real; requests reach them through 127.0.0.1 carrying the
 * public Host name a browser or a mail provider would send.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { getMetrics } from '../lib/metrics/metrics';
import { listLeads, getLead } from '../lib/store/leads';
import { latestRun } from '../lib/store/runs';
import { suppressionReason } from '../lib/store/suppressions';
import { unsubscribeToken } from '../lib/inbound/unsubscribe';
import { startTestStatusServer, TEST_SECRET, TEST_TOKEN } from './support/browserServer';

const seed = async (s: Store) => {
  await runPipeline(s, { leads: 6, seed: 8, channels: ['email'] });
};

interface Answer {
  status: number;
  type: string;
  body: string;
}

/**
 * One request with exactly these headers (fetch would not let a test set Host). An event stream never ends, so the
 * answer is taken at its first bytes and the connection dropped.
 */
function call(base: string, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method: o.method ?? 'GET', headers: o.headers }, (res) => {
      let body = '';
      const done = () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body });
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          req.destroy();
          done();
        }
      });
      res.on('end', done);
    });
    req.once('error', reject);
    req.end(o.body);
  });
}

const PUBLIC_HOST = 'leads.yourco.example';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const READS = ['/api/metrics', '/api/leads', '/api/leads/1', '/api/export.csv', '/api/events'];

test('served on 0.0.0.0, every API read needs the token: 401 without it, 403 with a wrong one, the data with it', async (t) => {
  const h = await startTestStatusServer(t, { seed, host: '0.0.0.0' });
  assert.match(h.server.url, /^http:\/\/0\.0\.0\.0:\d+$/);
  const host = { Host: `${PUBLIC_HOST}:${h.server.port}` };
  for (const path of READS) {
    const none = await call(h.url, path, { headers: host });
    assert.equal(none.status, 401, `${path} without a token`);
    assert.match(none.body, /LEADFLOW_TOKEN/);
    assert.ok(!none.body.includes('@'), `${path} shows no address without the token`);
    const wrong = await call(h.url, path, { headers: { ...host, ...bearer(`${TEST_TOKEN}x`) } });
    assert.equal(wrong.status, 403, `${path} with a wrong token`);
    const ok = await call(h.url, path, { headers: { ...host, ...bearer(TEST_TOKEN) } });
    assert.equal(ok.status, 200, `${path} with the token`);
  }
  assert.deepEqual(JSON.parse((await call(h.url, '/health', { headers: host })).body), { ok: true }, 'liveness only');
  assert.equal(JSON.parse((await call(h.url, '/health', { headers: { ...host, ...bearer(TEST_TOKEN) } })).body).running, false);
  const leads = JSON.parse((await call(h.url, '/api/leads', { headers: { ...host, ...bearer(TEST_TOKEN) } })).body);
  assert.equal(leads.total, 6);
  // Even a loopback Host name does not open the reads: the server cannot tell who is behind a wildcard bind.
  assert.equal((await call(h.url, '/api/leads')).status, 401);
  // Changes need it as before.
  assert.equal((await call(h.url, '/api/pipeline/run', { method: 'POST', headers: host })).status, 401);
  assert.equal(latestRun(h.store)?.id, 1, 'only the seeding run');
});

test('served on 0.0.0.0, the page itself loads (it holds no data) and the one-click unsubscribe works without the token', async (t) => {
  const h = await startTestStatusServer(t, { seed, host: '0.0.0.0' });
  const host = { Host: PUBLIC_HOST };
  const page = await call(h.url, '/', { headers: host });
  assert.equal(page.status, 200);
  assert.match(page.body, /id="token-form"/);
  const lead = listLeads(h.store, { limit: 1 }).leads[0];
  const path = `/unsubscribe?token=${unsubscribeToken(lead, TEST_SECRET)}`;
  assert.equal((await call(h.url, path, { headers: host })).status, 200);
  const post = await call(h.url, path, {
    method: 'POST',
    headers: { ...host, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(post.status, 200);
  assert.match(suppressionReason(h.store, lead.email) ?? '', /unsubscribed/);
});

test('the unsubscribe-only listener answers /unsubscribe and its stylesheet, and nothing else, while the page stays on loopback', async (t) => {
  const h = await startTestStatusServer(t, { seed, unsubscribeListener: { port: 0, host: '0.0.0.0' } });
  assert.match(h.server.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'the page listens on loopback');
  assert.match(h.server.unsubscribeUrl ?? '', /^http:\/\/0\.0\.0\.0:\d+\/unsubscribe$/);
  const base = h.unsubscribeUrl!.replace(/\/unsubscribe$/, '');
  assert.notEqual(base, h.url);
  const host = { Host: PUBLIC_HOST };
  const [a, b] = listLeads(h.store, { limit: 2 }).leads;

  // A mail client follows the link: the confirmation page, styled, and nobody unsubscribed by the fetch.
  const confirm = await call(base, `/unsubscribe?token=${unsubscribeToken(a, TEST_SECRET)}`, { headers: host });
  assert.equal(confirm.status, 200);
  assert.match(confirm.body, /name="List-Unsubscribe" value="One-Click"/);
  assert.equal(suppressionReason(h.store, a.email), null);
  const css = await call(base, '/style.css', { headers: host });
  assert.equal(css.status, 200);
  assert.match(css.type, /text\/css/);

  // The mailbox provider's one-click POST.
  const post = await call(base, `/unsubscribe?token=${unsubscribeToken(b, TEST_SECRET)}`, {
    method: 'POST',
    headers: { ...host, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(post.status, 200);
  assert.equal(JSON.parse(post.body).unsubscribed, true);
  assert.equal(getLead(h.store, b.id)?.status, 'SUPPRESSED');

  // Nothing else, with or without the token.
  for (const path of ['/', '/index.html', '/app.js', '/health', ...READS]) {
    const r = await call(base, path, { headers: { ...host, ...bearer(TEST_TOKEN) } });
    assert.equal(r.status, 404, path);
    assert.ok(!r.body.includes('@'), `${path} shows no address`);
  }
  for (const [method, path] of [['POST', '/api/pipeline/run'], ['POST', '/api/pipeline/stop'], ['DELETE', `/api/leads/${a.id}`], ['DELETE', '/api/leads']]) {
    assert.equal((await call(base, path, { method, headers: { ...host, ...bearer(TEST_TOKEN) } })).status, 404, `${method} ${path}`);
  }
  assert.equal((await getMetrics(h.store)).leads.total, 6, 'nothing erased');

  // The page's own listener keeps its loopback rules: no public Host name, reads open to localhost.
  assert.equal((await call(h.url, '/api/metrics', { headers: host })).status, 421);
  assert.equal((await call(h.url, '/api/metrics')).status, 200);
});
