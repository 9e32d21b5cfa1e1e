import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { getMetrics } from '../lib/metrics/metrics';
import { listLeads, getLead } from '../lib/store/leads';
import { latestRun } from '../lib/store/runs';
import { startTestStatusServer, TEST_TOKEN } from './support/browserServer';
import { leadflowAsync, leadflowAwait } from './support/cli';
import { tempDir } from './support/tmp';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const seeded = (leads: number) => async (s: Store) => {
  await runPipeline(s, { leads, seed: 5, channels: ['email', 'linkedin'], batchSize: 100 });
};

async function json(res: Response): Promise<any> {
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return res.json();
}

type Sse = { event: string; data: any };

/** Read Server-Sent Events from a live response until `until` says stop; returns every event read so far. */
async function readEvents(res: Response, until: (events: Sse[]) => boolean): Promise<Sse[]> {
  const r = sseReaders.get(res) ?? { events: [] as Sse[], buffer: '', reader: res.body!.getReader() };
  sseReaders.set(res, r);
  const decoder = new TextDecoder();
  while (!until(r.events)) {
    const { value, done } = await r.reader.read();
    if (done) break;
    r.buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = r.buffer.indexOf('\n\n')) >= 0) {
      const block = r.buffer.slice(0, end);
      r.buffer = r.buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) r.events.push({ event, data: JSON.parse(data) });
    }
  }
  return r.events;
}
const sseReaders = new WeakMap<Response, { events: Sse[]; buffer: string; reader: ReadableStreamDefaultReader<Uint8Array> }>();

test('GET /health answers ok with the SQLite driver in use', async (t) => {
  const h = await startTestStatusServer(t);
  const res = await fetch(h.url + '/health');
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.equal(body.ok, true);
  assert.equal(body.driver, h.store.driver);
  assert.equal(body.running, false);
});

test('GET /api/metrics reports the same counts as the store', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(150) });
  const body = await json(await fetch(h.url + '/api/metrics'));
  const direct = await getMetrics(h.store);
  assert.equal(body.leads.total, 150);
  assert.deepEqual(body.leads.byStatus, direct.leads.byStatus);
  assert.deepEqual(body.funnel, direct.funnel);
  assert.deepEqual(body.variants, direct.variants);
  assert.equal(body.sends.dryRun, direct.sends.dryRun);
});

test('GET /api/leads filters by status and search text, and pages', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(120) });
  const first = listLeads(h.store, { limit: 1 }).leads[0];
  const bySearch = await json(await fetch(`${h.url}/api/leads?q=${encodeURIComponent(first.email)}`));
  assert.equal(bySearch.total, 1);
  assert.equal(bySearch.leads[0].id, first.id);

  const sent = await json(await fetch(`${h.url}/api/leads?status=SENT&limit=50`));
  assert.equal(sent.total, (await getMetrics(h.store)).leads.byStatus.SENT);
  assert.ok(sent.leads.every((l: { status: string }) => l.status === 'SENT'));
  const none = await json(await fetch(`${h.url}/api/leads?status=REPLIED`));
  assert.equal(none.total, 0);

  const p1 = await json(await fetch(`${h.url}/api/leads?limit=50&page=1`));
  const p3 = await json(await fetch(`${h.url}/api/leads?limit=50&page=3`));
  assert.equal(p1.pages, 3);
  assert.equal(p1.leads.length, 50);
  assert.equal(p3.leads.length, 20);
  assert.equal(p3.leads[0].id, listLeads(h.store, { limit: 1, offset: 100 }).leads[0].id);
});

test('bad query values get 400 with a reason naming the field, as JSON without a stack trace', async (t) => {
  const h = await startTestStatusServer(t);
  for (const [query, field] of [
    ['status=SHIPPED', 'status'],
    ['limit=1000', 'limit'],
    ['page=0', 'page'],
    ['page=two', 'page'],
    ['colour=red', 'colour'],
    ['status=NEW&status=SENT', 'status'],
  ]) {
    const res = await fetch(`${h.url}/api/leads?${query}`);
    assert.equal(res.status, 400, query);
    const body = await json(res);
    assert.match(body.error, new RegExp(field), `${query}: ${body.error}`);
    assert.doesNotMatch(JSON.stringify(body), /\bat .*\.(ts|js):\d+/, 'no stack frames');
  }
  const badId = await fetch(`${h.url}/api/leads/abc`);
  assert.equal(badId.status, 400);
  assert.match((await json(badId)).error, /lead id/);
  const badExport = await fetch(`${h.url}/api/export.csv?status=nope`);
  assert.equal(badExport.status, 400);
});

test('GET /api/leads/:id returns the lead with enrichment provenance, messages and sends; 404 when absent', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(10) });
  const id = listLeads(h.store, { limit: 1 }).leads[0].id;
  const d = await json(await fetch(`${h.url}/api/leads/${id}`));
  assert.equal(d.lead.id, id);
  assert.equal(d.enrichment.provenance.persona, 'rule');
  assert.equal(d.messages.length, 4, 'two channels × two variants');
  assert.equal(d.sends.length, 2);
  assert.ok(d.sends.every((s: { dryRun: boolean }) => s.dryRun));
  const missing = await fetch(`${h.url}/api/leads/99999`);
  assert.equal(missing.status, 404);
  assert.match((await json(missing)).error, /no lead #99999/);
});

test('GET /api/export.csv streams every lead, or those in one status, with a header row', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(250) });
  const res = await fetch(`${h.url}/api/export.csv`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="leads\.csv"/);
  const lines = (await res.text()).trimEnd().split('\n');
  assert.equal(lines.length, 251);
  assert.match(lines[0], /^id,email,/);
  const emails = new Set(lines.slice(1).map((l) => l.split(',')[1]));
  assert.equal(emails.size, 250);

  h.store.stmt("UPDATE leads SET status = 'REPLIED' WHERE id <= 7").run();
  const replied = (await (await fetch(`${h.url}/api/export.csv?status=REPLIED`)).text()).trimEnd().split('\n');
  assert.equal(replied.length, 8);
});

test('the app keeps answering while a client is in the middle of a large export, and the export completes', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(3000) });
  const res = await fetch(`${h.url}/api/export.csv`);
  const reader = res.body!.getReader();
  const first = await reader.read(); // the export's iterator is open now, and the client is not reading on
  assert.ok(first.value && first.value.length > 0);
  const metrics = await fetch(`${h.url}/api/metrics`);
  assert.equal(metrics.status, 200);
  assert.equal(((await metrics.json()) as { leads: { total: number } }).leads.total, 3000);
  // Having waited on a slow reader, the export still delivers every row.
  const chunks = [Buffer.from(first.value)];
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(Buffer.from(r.value));
  assert.equal(Buffer.concat(chunks).toString('utf8').trimEnd().split('\n').length, 3001);
});

test('changing data without the token is refused: 401 without it, 403 with a wrong one', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(5) });
  const id = listLeads(h.store, { limit: 1 }).leads[0].id;
  for (const [method, path] of [
    ['POST', '/api/pipeline/run'],
    ['POST', '/api/pipeline/stop'],
    ['DELETE', `/api/leads/${id}`],
    ['DELETE', '/api/leads'],
  ]) {
    const none = await fetch(h.url + path, { method });
    assert.equal(none.status, 401, `${method} ${path}`);
    assert.match((await json(none)).error, /LEADFLOW_TOKEN/);
    const wrong = await fetch(h.url + path, { method, headers: { Authorization: `Bearer ${TEST_TOKEN}x` } });
    assert.equal(wrong.status, 403, `${method} ${path}`);
  }
  assert.ok(getLead(h.store, id), 'nothing was erased');
  assert.equal((await getMetrics(h.store)).leads.total, 5);
  assert.equal(latestRun(h.store)?.id, 1, 'no run was started');
});

test('POST /api/pipeline/run runs in the background and /api/events streams its progress to the end', async (t) => {
  const h = await startTestStatusServer(t);
  const stream = await fetch(h.url + '/api/events');
  assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
  const res = await h.authed('/api/pipeline/run', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ leads: 400, batchSize: 50, channels: ['email'] }),
  });
  assert.equal(res.status, 202);
  const { runId } = await json(res);
  const events = await readEvents(stream, (es) => es.some((e) => e.event === 'run' && e.data.runId === runId && !e.data.running));
  const progress = events.filter((e) => e.event === 'progress' && e.data.runId === runId).map((e) => e.data);
  const generate = progress.filter((p) => p.stage === 'generate').map((p) => p.done);
  assert.ok(generate.length >= 8, `one event per batch (got ${generate.length})`);
  assert.deepEqual(generate, [...generate].sort((a, b) => a - b), 'progress only moves forward');
  assert.deepEqual([...new Set(progress.map((p) => p.stage))], ['generate', 'enrich', 'personalize', 'send']);
  const finished = events.find((e) => e.event === 'run' && e.data.runId === runId && !e.data.running)!;
  assert.equal(finished.data.status, 'DONE');
  assert.ok(events.some((e) => e.event === 'metrics' && e.data.leads.total > 0), 'counts are pushed while it runs');
  const after = await getMetrics(h.store);
  assert.deepEqual([after.leads.byStatus.MESSAGED, after.leads.byStatus.SENT, after.simulated.leads], [400, 0, 400], 'a dry run from the page sends nothing and says so');
});

test('POST /api/pipeline/stop ends a running pipeline at a batch boundary', async (t) => {
  const h = await startTestStatusServer(t);
  const stream = await fetch(h.url + '/api/events');
  const res = await h.authed('/api/pipeline/run', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ leads: 200_000, batchSize: 100 }),
  });
  const { runId } = await json(res);
  const again = await h.authed('/api/pipeline/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(again.status, 409, 'one run at a time');
  assert.match((await json(again)).error, /already going/);

  const clear = await h.authed('/api/leads', { method: 'DELETE' });
  assert.equal(clear.status, 409, 'the store is not cleared under a running pipeline');
  assert.match((await json(clear)).error, /stop it first/);

  const stop = await json(await h.authed('/api/pipeline/stop', { method: 'POST' }));
  assert.equal(stop.asked, 1);
  const events = await readEvents(stream, (es) => es.some((e) => e.event === 'run' && e.data.runId === runId && !e.data.running));
  const finished = events.find((e) => e.event === 'run' && e.data.runId === runId && !e.data.running)!;
  assert.equal(finished.data.status, 'STOPPED');
  const run = latestRun(h.store)!;
  assert.equal(run.status, 'STOPPED');
  assert.ok((await getMetrics(h.store)).leads.total < 200_000, 'stopped well before the end');
});

test('a run started by `leadflow run` in another process shows up on /api/events, and the Stop endpoint stops it', async (t) => {
  const h = await startTestStatusServer(t);
  const stream = await fetch(h.url + '/api/events');
  const cli = leadflowAsync(['--db', h.storePath, 'run', '--leads', '200000', '--batch-size', '200', '--json']);
  t.after(() => {
    if (cli.exitCode === null) cli.kill('SIGKILL');
  });
  const seen = await readEvents(stream, (es) => es.some((e) => e.event === 'progress' && e.data.elsewhere && e.data.progress.generate.done > 0));
  const runId = seen.find((e) => e.event === 'progress' && e.data.elsewhere)!.data.runId;
  const stop = await json(await h.authed('/api/pipeline/stop', { method: 'POST' }));
  assert.equal(stop.asked, 1);
  const [code] = await once(cli, 'exit');
  assert.equal(code, 0, cli.output().stderr);
  assert.equal(JSON.parse(cli.output().stdout).run.status, 'STOPPED');
  const rest = await readEvents(stream, (es) => es.some((e) => e.event === 'run' && e.data.runId === runId));
  assert.equal(rest.find((e) => e.event === 'run' && e.data.runId === runId)!.data.status, 'STOPPED');
});

test('a change another process commits without a run (an import) reaches an open page as fresh metrics', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(20) });
  const stream = await fetch(h.url + '/api/events');
  const first = await readEvents(stream, (es) => es.some((e) => e.event === 'metrics'));
  assert.equal(first.find((e) => e.event === 'metrics')!.data.leads.total, 20);
  const csv = join(tempDir(t), 'people.csv');
  writeFileSync(csv, 'email,first_name,last_name,company\n' + Array.from({ length: 7 }, (_, i) => `p${i}@people.example,Pat,Lee${i},People Co`).join('\n') + '\n');
  const imported = await leadflowAwait(['--db', h.storePath, 'import', csv]);
  assert.equal(imported.code, 0, imported.stderr);
  const events = await readEvents(stream, (es) => es.some((e) => e.event === 'metrics' && e.data.leads.total === 27));
  const pushed = events.filter((e) => e.event === 'metrics').pop()!;
  assert.equal(pushed.data.leads.byStatus.NEW, 7, 'the imported leads, pushed without a reload');
  assert.ok(!events.some((e) => e.event === 'progress'), 'no run was involved');
});

test('a run request with bad options, or asking for live sending, is refused with the reason', async (t) => {
  const h = await startTestStatusServer(t);
  const post = (body: string) =>
    h.authed('/api/pipeline/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  const cases: [string, number, RegExp][] = [
    ['{"leads":-1}', 400, /leads/],
    ['{"channels":["fax"]}', 400, /channels/],
    ['{"leads":10,"dryRun":false}', 400, /dry run/i],
    ['{not json', 400, /not valid JSON/],
    ['{"enrichMode":"magic"}', 400, /enrichMode/],
    // AI mode reaches lib's pipeline, which refuses to start without a key and says how to get one: the server's
    // settings are missing (a `config` error, 503), not the request.
    ['{"leads":5,"enrichMode":"ai"}', 503, /GROQ_API_KEY is not set/],
  ];
  const savedKey = process.env.GROQ_API_KEY;
  delete process.env.GROQ_API_KEY;
  t.after(() => {
    if (savedKey !== undefined) process.env.GROQ_API_KEY = savedKey;
  });
  for (const [body, status, reason] of cases) {
    const res = await post(body);
    assert.equal(res.status, status, body);
    assert.match((await json(res)).error, reason, body);
  }
  assert.equal(latestRun(h.store), undefined, 'nothing ran');
});

test('a run request whose body is not JSON is refused with 415 and starts nothing', async (t) => {
  const h = await startTestStatusServer(t);
  for (const [type, body] of [
    ['text/plain', '{"leads":5}'],
    ['text/plain', ''],
    ['application/x-www-form-urlencoded', 'leads=5'],
    [undefined, '{"leads":5}'],
  ] as const) {
    const headers: Record<string, string> = type ? { 'Content-Type': type } : {};
    // fetch labels a string body text/plain; a Blob without a type goes out with no Content-Type at all.
    const res = await h.authed('/api/pipeline/run', { method: 'POST', headers, body: type ? body : new Blob([body]) });
    assert.equal(res.status, 415, `${type}: ${body}`);
    assert.match((await json(res)).error, /application\/json/);
  }
  assert.equal(latestRun(h.store), undefined, 'nothing ran');
  const stop = await h.authed('/api/pipeline/stop', { method: 'POST' });
  assert.equal(stop.status, 200, 'a request with no body at all needs no Content-Type');
});

test('lead ids and page numbers in URLs are plain decimal: 0x1, 1e0, +1, 01 and 1.0 are refused, not read as 1', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(3) });
  assert.equal(listLeads(h.store, { limit: 1 }).leads[0].id, 1);
  assert.equal((await fetch(`${h.url}/api/leads/1`)).status, 200);
  for (const id of ['0x1', '1e0', '+1', '01', '1.0', ' 1', '0b1', '9007199254740993']) {
    const path = `/api/leads/${encodeURIComponent(id)}`;
    const read = await fetch(h.url + path);
    assert.equal(read.status, 400, `GET ${id}`);
    assert.match((await json(read)).error, /lead id/);
    const erase = await h.authed(path, { method: 'DELETE' });
    assert.equal(erase.status, 400, `DELETE ${id}`);
  }
  assert.equal((await getMetrics(h.store)).leads.total, 3, 'nothing was erased');
  for (const query of ['page=0x1', 'limit=0x10', 'page=1e0', 'limit=+5']) {
    assert.equal((await fetch(`${h.url}/api/leads?${query}`)).status, 400, query);
  }
  assert.equal((await json(await fetch(`${h.url}/api/leads?page=2&limit=1`))).leads[0].id, 2);
});

test('DELETE /api/leads clears the leads but keeps the suppression list', async (t) => {
  const h = await startTestStatusServer(t, { seed: seeded(30) });
  const id = listLeads(h.store, { limit: 1 }).leads[0].id;
  assert.equal((await h.authed(`/api/leads/${id}`, { method: 'DELETE' })).status, 200);
  const res = await h.authed('/api/leads', { method: 'DELETE' });
  assert.equal(res.status, 200);
  assert.equal((await json(res)).deleted, 29);
  const m = await getMetrics(h.store);
  assert.equal(m.leads.total, 0);
  assert.equal(m.messages.total, 0);
  assert.equal(m.sends.total, 0);
  assert.equal(m.suppressions, 1, 'the erased address stays suppressed');
});

test('requests addressed to a non-local Host name are refused (DNS rebinding)', async (t) => {
  const h = await startTestStatusServer(t);
  const { request } = await import('node:http');
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(h.url + '/api/metrics', { headers: { Host: 'attacker.example:80' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 421);
});

test('unknown endpoints answer 404 in JSON', async (t) => {
  const h = await startTestStatusServer(t);
  const res = await fetch(h.url + '/api/nothing-here');
  assert.equal(res.status, 404);
  assert.match((await json(res)).error, /no such endpoint/);
});
