import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { listLeads } from '../lib/store/leads';
import { unsubscribeToken } from '../lib/inbound/unsubscribe';
import { createLogger, redactUrl, LogLevelError } from '../lib/log/logger';
import { startTestStatusServer, TEST_SECRET, TEST_TOKEN } from './support/browserServer';

const seed = async (s: Store) => {
  await runPipeline(s, { leads: 8, seed: 3, channels: ['email'] });
};

test('every HTTP request writes one JSON line carrying the request id sent back in X-Request-Id', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const ids: string[] = [];
  for (const path of ['/health', '/api/metrics', '/api/leads?limit=2', '/api/leads?limit=0', '/nope']) {
    const res = await fetch(h.url + path);
    await res.arrayBuffer();
    ids.push(res.headers.get('x-request-id') ?? '');
  }
  assert.equal(new Set(ids).size, 5, 'a distinct id per request');
  const http = h.logLines().filter((l) => l.req);
  for (const id of ids) {
    const lines = http.filter((l) => (l.req as { id: string }).id === id);
    assert.equal(lines.length, 1, `one line for ${id}`);
    assert.equal(typeof lines[0].time, 'string');
    assert.equal(typeof (lines[0].res as { statusCode: number }).statusCode, 'number');
  }
  const bad = http.find((l) => (l.req as { id: string }).id === ids[3])!;
  assert.equal(bad.level, 40, 'a 400 is logged as a warning');
});

test('no token ever appears in the log: bearer tokens, wrong tokens, unsubscribe tokens', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const lead = listLeads(h.store, { limit: 1 }).leads[0];
  const unsub = unsubscribeToken(lead, TEST_SECRET);
  const wrong = 'wrong-token-that-must-not-be-logged';
  await (await h.authed('/api/pipeline/stop', { method: 'POST' })).arrayBuffer();
  await (await fetch(h.url + '/api/pipeline/stop', { method: 'POST', headers: { Authorization: `Bearer ${wrong}` } })).arrayBuffer();
  await (await fetch(`${h.url}/unsubscribe?token=${unsub}`)).arrayBuffer();
  await (await fetch(`${h.url}/unsubscribe?token=${unsub}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })).arrayBuffer();
  await (await fetch(`${h.url}/api/leads?token=${wrong}`)).arrayBuffer();

  const log = h.logText();
  assert.ok(log.length > 0);
  assert.ok(h.logLines().some((l) => l.msg === 'unsubscribed by link'), 'the one-click path ran');
  assert.ok(h.logLines().some((l) => String((l.req as { url?: string } | undefined)?.url).startsWith('/unsubscribe?token=[REDACTED]')));
  for (const secret of [TEST_TOKEN, wrong, unsub, unsub.split('.')[1], TEST_SECRET]) {
    assert.ok(!log.includes(secret), `"${secret}" leaked into the log`);
  }
});

test('redactUrl masks secret query parameters and keeps the rest', () => {
  assert.equal(redactUrl('/unsubscribe?token=1.abc'), '/unsubscribe?token=[REDACTED]');
  assert.equal(redactUrl('/api/leads?q=ada&status=NEW'), '/api/leads?q=ada&status=NEW');
  assert.equal(redactUrl('/x?a=1&API_KEY=k&secret=s&b=2'), '/x?a=1&API_KEY=[REDACTED]&secret=[REDACTED]&b=2');
  assert.equal(redactUrl('/x?%74oken=t'), '/x?%74oken=[REDACTED]', 'an encoded name is still recognised');
  assert.equal(redactUrl('/plain'), '/plain');
});

test('the level setting decides what is written, and secret fields are censored', () => {
  const lines: string[] = [];
  const log = createLogger({ name: 't', level: 'warn', destination: { write: (s: string) => void lines.push(s) } });
  log.info('hidden');
  log.warn({ token: 'abc123', nested: { password: 'pw', secret: 's3' }, req: { headers: { authorization: 'Bearer xyz' } } }, 'shown');
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]);
  assert.equal(line.msg, 'shown');
  assert.equal(line.name, 't');
  assert.equal(line.token, '[REDACTED]');
  assert.equal(line.nested.password, '[REDACTED]');
  assert.equal(line.nested.secret, '[REDACTED]');
  assert.equal(line.req.headers.authorization, '[REDACTED]');
});

test('LEADFLOW_LOG_LEVEL sets the level when none is passed, and an unknown level names the valid ones', (t) => {
  const saved = process.env.LEADFLOW_LOG_LEVEL;
  t.after(() => (saved === undefined ? delete process.env.LEADFLOW_LOG_LEVEL : (process.env.LEADFLOW_LOG_LEVEL = saved)));
  process.env.LEADFLOW_LOG_LEVEL = 'error';
  const lines: string[] = [];
  const log = createLogger({ name: 't', destination: { write: (s: string) => void lines.push(s) } });
  log.warn('no');
  log.error('yes');
  assert.deepEqual(lines.map((l) => JSON.parse(l).msg), ['yes']);
  assert.throws(() => createLogger({ name: 't', level: 'loud' }), (err: Error) => err instanceof LogLevelError && /fatal, error, warn, info/.test(err.message));
});
