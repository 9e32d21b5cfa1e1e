/**
 * n8n's queue mode for real: `n8n start` and two `n8n worker` processes (n8n 1.123.50, EXECUTIONS_MODE=queue), Redis,
 * and PostgreSQL as n8n's own database — with this package installed as n8n's UI installs it and every leadflow
 * node on one Leadflow Store credential, in a schema of that same database. Webhook-started workflows import leads,
 * send live to the SMTP test server and record an unsubscribe, fired many at once so executions land on both
 * workers. Counted on what the SMTP server received: every lead at most once, a daily cap of 20 held at 20 across both
 * workers, the rate limit in every 60 s window, and an unsubscribed address never mailed after the unsubscribe.
 * Runs once, under the Node 20 pass of `npm test`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeDb, openDb } from '../lib/store/openDb';
import { n8n, n8nEnv } from './support/n8nCli';
import { n8nWorkspace } from './support/n8nServer';
import { testDatabase } from './support/postgres';
import { startRedis } from './support/redis';
import { startSmtp } from './support/smtpServer';
import { COMPLIANCE, LIVE_TEST_DOMAIN } from './support/liveLeads';
import { freePort } from './support/ports';

const secondPass = process.env.LEADFLOW_SQLITE_DRIVER === 'node:sqlite';
const RATE = 12;
const CAP = 20;

const STORE = { leadflowStore: { id: 'lfStore0000001', name: 'Leadflow Store' } };
const SMTP = { leadflowSmtp: { id: 'lfSmtp00000001', name: 'Leadflow SMTP' } };
/** A second mailbox, on a server that takes seconds to answer: a worker is killed while its sends are in flight. */
const SLOW_SMTP = { leadflowSmtp: { id: 'lfSmtp00000002', name: 'Leadflow SMTP (slow)' } };

function webhook(name: string, path: string) {
  return { id: `${path}-hook`, name, type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: `${path}-0000-4000-8000-000000000000`, parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} } };
}

/** The webhook's body as the item (a person's fields, or an email to unsubscribe). */
const BODY = { id: 'body', name: 'Body', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: 'return [{ json: $input.first().json.body }];' } };

function chain(id: string, nodes: (Record<string, unknown> & { name: string })[]) {
  const connections: Record<string, unknown> = {};
  for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
  return { id, name: id, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

const sendParameters = {
  operation: 'send',
  dryRun: false,
  mode: 'tick',
  maxPerTick: 5,
  ratePerMinute: RATE,
  dailyCap: CAP,
  source: 'store',
  status: 'MESSAGED',
  limit: 50,
  unsubscribeBaseUrl: COMPLIANCE.unsubscribeBaseUrl,
  postalAddress: COMPLIANCE.postalAddress,
};

const WORKFLOWS = [
  chain('lfQueueImport', [
    webhook('Lead In', 'lf-import'),
    BODY,
    { id: 'gen', name: 'Import Lead', type: 'n8n-nodes-leadflow.generateLeads', typeVersion: 1, position: [400, 0], parameters: { mode: 'import' }, credentials: STORE },
    { id: 'enr', name: 'Enrich', type: 'n8n-nodes-leadflow.enrichLeads', typeVersion: 1, position: [600, 0], parameters: {}, credentials: STORE },
    { id: 'per', name: 'Personalize', type: 'n8n-nodes-leadflow.personalizeMessages', typeVersion: 1, position: [800, 0], parameters: {}, credentials: STORE },
  ]),
  chain('lfQueueSend', [
    webhook('Tick', 'lf-send'),
    { id: 'snd', name: 'Send', type: 'n8n-nodes-leadflow.sendOutreach', typeVersion: 1, position: [200, 0], parameters: sendParameters, credentials: { ...STORE, ...SMTP } },
  ]),
  chain('lfQueueSlow', [
    webhook('Slow Tick', 'lf-send-slow'),
    { id: 'sns', name: 'Send Slowly', type: 'n8n-nodes-leadflow.sendOutreach', typeVersion: 1, position: [200, 0], parameters: { ...sendParameters, ratePerMinute: 0 }, credentials: { ...STORE, ...SLOW_SMTP } },
  ]),
  chain('lfQueueUnsub', [
    webhook('Unsubscribe', 'lf-unsub'),
    BODY,
    { id: 'uns', name: 'Record Unsubscribe', type: 'n8n-nodes-leadflow.sendOutreach', typeVersion: 1, position: [400, 0], parameters: { operation: 'recordEvent', eventType: 'unsubscribe', email: '={{ $json.email }}' }, credentials: STORE },
  ]),
];

interface Worker {
  child: ChildProcess;
  log: () => string;
  gone: Promise<unknown>;
}

test('n8n queue mode: main + two workers, Redis and PostgreSQL, one Leadflow store', { skip: secondPass && 'ran in the Node 20 pass', timeout: 20 * 60_000 }, async (t) => {
  const url = await testDatabase(t);
  const pgUrl = new URL(url);
  const redis = await startRedis(t);
  const smtp = await startSmtp({ delayMs: 200 });
  t.after(() => smtp.close());
  const slow = await startSmtp({ delayMs: 6_000 });
  t.after(() => slow.close());
  const arrivals: { to: string; at: number }[] = [];
  const received = smtp.received;
  const push = received.push.bind(received);
  received.push = (...mails) => {
    for (const m of mails) arrivals.push({ to: m.to[0], at: Date.now() });
    return push(...mails);
  };
  const { inst, dir, start } = await n8nWorkspace(t, 'leadflow-queue-');
  const database = pgUrl.pathname.slice(1);
  const queueEnv = {
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_REDIS_HOST: '127.0.0.1',
    QUEUE_BULL_REDIS_PORT: String(redis.port),
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: pgUrl.hostname,
    DB_POSTGRESDB_PORT: pgUrl.port,
    DB_POSTGRESDB_DATABASE: database,
    DB_POSTGRESDB_USER: pgUrl.username,
    DB_POSTGRESDB_PASSWORD: '',
    LEADFLOW_SECRET: COMPLIANCE.secret,
  };

  // The credentials and workflows, imported into n8n's PostgreSQL database and activated before n8n starts.
  const files = join(dir, 'import');
  mkdirSync(join(files, 'workflows'), { recursive: true });
  writeFileSync(
    join(files, 'credentials.json'),
    JSON.stringify([
      { id: STORE.leadflowStore.id, name: STORE.leadflowStore.name, type: 'leadflowStore', data: { host: pgUrl.hostname, port: Number(pgUrl.port), database, user: pgUrl.username, password: '', schema: 'leadflow', ssl: 'disable' } },
      {
        id: SMTP.leadflowSmtp.id,
        name: SMTP.leadflowSmtp.name,
        type: 'leadflowSmtp',
        data: { host: '127.0.0.1', port: smtp.port, secure: false, fromName: 'Alex Sender', fromEmail: 'alex@sender.leadflow-test.net', unsubscribeSecret: COMPLIANCE.secret, postalAddress: COMPLIANCE.postalAddress },
      },
      {
        id: SLOW_SMTP.leadflowSmtp.id,
        name: SLOW_SMTP.leadflowSmtp.name,
        type: 'leadflowSmtp',
        data: { host: '127.0.0.1', port: slow.port, secure: false, fromName: 'Bo Sender', fromEmail: 'bo@sender.leadflow-test.net', unsubscribeSecret: COMPLIANCE.secret, postalAddress: COMPLIANCE.postalAddress },
      },
    ]),
  );
  for (const wf of WORKFLOWS) writeFileSync(join(files, 'workflows', `${wf.id}.json`), JSON.stringify(wf));
  const creds = n8n(inst, dir, ['import:credentials', `--input=${join(files, 'credentials.json')}`], queueEnv);
  assert.equal(creds.code, 0, creds.stdout + creds.stderr);
  const flows = n8n(inst, dir, ['import:workflow', '--separate', `--input=${join(files, 'workflows')}`], queueEnv);
  assert.equal(flows.code, 0, flows.stdout + flows.stderr);
  for (const wf of WORKFLOWS) {
    const on = n8n(inst, dir, ['update:workflow', `--id=${wf.id}`, '--active=true'], queueEnv);
    assert.equal(on.code, 0, on.stdout + on.stderr);
  }

  const main = await start(queueEnv);
  const workers: Worker[] = [];
  for (let i = 0; i < 2; i++) {
    const health = await freePort();
    const child = spawn(inst.node, [inst.bin, 'worker', '--concurrency=5'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: n8nEnv(inst, dir, { ...queueEnv, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(health), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1', N8N_RUNNERS_BROKER_PORT: String(await freePort()) }),
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const gone = new Promise((resolve) => child.once('exit', resolve));
    workers.push({ child, log: () => out, gone });
    t.after(async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await gone;
    });
    const until = Date.now() + 120_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${health}/healthz/readiness`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (Date.now() > until || child.exitCode !== null) throw new Error(`worker ${i} did not get ready:\n${out.slice(-3000)}`);
      await sleep(500);
    }
  }
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${main.url}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };
  const store = await openDb(url);
  t.after(() => closeDb(store));

  // 1. Thirty leads imported, enriched and written, thirty executions at once.
  const people = Array.from({ length: 30 }, (_, i) => ({ email: `p${i}@${LIVE_TEST_DOMAIN}`, name: `Pat Tester${i}`, title: 'COO', company: `Test Co ${i}`, country: 'Germany' }));
  const imported = await Promise.all(people.map((p) => post('lf-import', p)));
  for (const r of imported) assert.equal(r.status, 200, r.text + main.log().slice(-2000));
  assert.deepEqual(await store.all('SELECT status, count(*) FROM leads GROUP BY status'), [['MESSAGED', 30]], 'every worker wrote to the one store');
  const finished = workers.map((w) => (w.log().match(/Worker finished execution/g) ?? []).length);
  assert.ok(finished.every((n) => n > 0), `executions ran on both workers (${finished.join(' + ')})`);

  // 2. An unsubscribe before any send, then ten send ticks at once with a second unsubscribe among them.
  assert.equal((await post('lf-unsub', { email: `p0@${LIVE_TEST_DOMAIN}` })).status, 200);
  const during = post('lf-unsub', { email: `p29@${LIVE_TEST_DOMAIN}` }).then((r) => ({ ...r, at: Date.now() }));
  const ticks = await Promise.all(Array.from({ length: 10 }, () => post('lf-send', {})));
  for (const r of ticks) assert.equal(r.status, 200, r.text + main.log().slice(-2000));
  const unsubscribedDuring = await during;
  assert.equal(unsubscribedDuring.status, 200);
  const firstMinute = arrivals.length;
  assert.ok(firstMinute <= RATE, `the rate of ${RATE}/min held across both workers in the first minute (${firstMinute})`);

  // 3. A minute later the rate allows more: the daily cap stops them at 20 in all.
  await sleep(61_000);
  const later = await Promise.all(Array.from({ length: 4 }, () => post('lf-send', {})));
  for (const r of later) assert.equal(r.status, 200, r.text);

  const to = arrivals.map((a) => a.to);
  assert.equal(to.length, CAP, `the daily cap of ${CAP} held across both workers (received ${to.length})`);
  assert.equal(new Set(to).size, to.length, 'no address received twice');
  assert.ok(!to.includes(`p0@${LIVE_TEST_DOMAIN}`), 'nothing to the address unsubscribed before the sends');
  for (const a of arrivals.filter((x) => x.to === `p29@${LIVE_TEST_DOMAIN}`)) assert.ok(a.at <= unsubscribedDuring.at, 'nothing to p29 after its unsubscribe');
  for (const a of arrivals) {
    const inWindow = arrivals.filter((b) => b.at >= a.at && b.at < a.at + 60_000).length;
    assert.ok(inWindow <= RATE, `at most ${RATE} in the 60 s from ${new Date(a.at).toISOString()} (${inWindow})`);
  }
  const sent = await store.all("SELECT count(*), count(DISTINCT lead_id) FROM sends WHERE dry_run = 0 AND state = 'SENT'");
  assert.deepEqual(sent, [[CAP, CAP]], 'the ledger says what the server received');
  const ticked = workers.map((w) => (w.log().match(/Worker finished execution/g) ?? []).length);
  assert.ok(ticked.every((n, i) => n > finished[i]), `the send ticks ran on both workers (${finished.join(' + ')} → ${ticked.join(' + ')})`);

  // 4. The second mailbox (its own cap) sends from a slow server: the worker holding sends in flight is SIGKILLed.
  const slowTicks = [post('lf-send-slow', {}), post('lf-send-slow', {})].map((p) => p.catch((err: unknown) => ({ status: 0, text: String(err) })));
  let holders: string[] = [];
  for (const until = Date.now() + 60_000; holders.length === 0; await sleep(100)) {
    if (Date.now() > until) throw new Error('no send in flight on the slow mailbox');
    holders = (await store.all("SELECT DISTINCT claimed_by FROM sends WHERE state = 'SENDING'")).map((r) => String(r[0]));
  }
  const victim = workers.find((w) => holders.some((h) => h.startsWith(`${w.child.pid}@`)));
  assert.ok(victim, `a worker holds the claims (${holders.join(', ')}; workers ${workers.map((w) => w.child.pid).join(', ')})`);
  const inFlight = (await store.all(`SELECT l.email FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.state = 'SENDING' AND s.claimed_by LIKE '${victim.child.pid}@%'`)).map((r) => String(r[0]));
  victim.child.kill('SIGKILL');
  await victim.gone;
  // What the killed worker handed the server arrives late; then the surviving worker sends again.
  await sleep(7_000);
  const survivor = workers.find((w) => w !== victim)!;
  const afterKill = await post('lf-send-slow', {});
  assert.equal(afterKill.status, 200, afterKill.text + survivor.log().slice(-2000));
  await Promise.race([Promise.all(slowTicks), sleep(30_000)]);
  const slowTo = slow.received.map((m) => m.to[0]);
  assert.equal(new Set(slowTo).size, slowTo.length, `no address received twice from the slow mailbox: ${slowTo.join(', ')}`);
  assert.ok(!slowTo.some((a) => to.includes(a)), 'no lead reached by both mailboxes');
  const unknown = (await store.all("SELECT l.email FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.state = 'UNKNOWN'")).map((r) => String(r[0]));
  assert.deepEqual(unknown.sort(), inFlight.sort(), 'the killed worker’s sends in flight wait as UNKNOWN');
  for (const email of inFlight) assert.ok(slowTo.filter((a) => a === email).length <= 1, `${email} was not sent again`);
});
