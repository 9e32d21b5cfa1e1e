import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, type Store } from '../lib/store/store';
import { leadflowAsync, leadflowAwait } from './support/cli';
import { startSmtp, type TestSmtp } from './support/smtpServer';
import { queueLiveLeads, COMPLIANCE } from './support/liveLeads';
import { tempDir, tempStorePath } from './support/tmp';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

function liveEnv(smtp: TestSmtp, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_FROM_EMAIL: 'alex@sender.leadflow-test.net',
    LEADFLOW_UNSUBSCRIBE_URL: COMPLIANCE.unsubscribeBaseUrl,
    LEADFLOW_SECRET: COMPLIANCE.secret,
    SENDER_POSTAL_ADDRESS: COMPLIANCE.postalAddress,
    ...extra,
  };
}

async function fixture(t: import('node:test').TestContext, leads: number, delayMs = 0): Promise<{ db: string; store: Store; smtp: TestSmtp }> {
  const db = tempStorePath(t);
  const store = openStore(db);
  const smtp = await startSmtp({ delayMs });
  t.after(async () => {
    await smtp.close();
    store.close();
  });
  await queueLiveLeads(store, leads);
  return { db, store, smtp };
}

const perRecipient = (smtp: TestSmtp) => {
  const m = new Map<string, number>();
  for (const r of smtp.received) m.set(r.to[0], (m.get(r.to[0]) ?? 0) + 1);
  return m;
};

async function runAll(children: ReturnType<typeof leadflowAsync>[]) {
  await Promise.all(children.map((c) => once(c, 'exit')));
  return children.map((c) => c.output());
}

test('three processes sending from one store at once deliver each message exactly once', async (t) => {
  const { db, store, smtp } = await fixture(t, 60);
  const env = liveEnv(smtp, { RATE_LIMIT_PER_MINUTE: '0', DAILY_SEND_CAP: '0' });
  const outs = await runAll([1, 2, 3].map(() => leadflowAsync(['--db', db, 'send', '--live', '--json'], env)));
  for (const o of outs) assert.equal(o.code, 0, o.stderr);
  const sentByProcess = outs.map((o) => JSON.parse(o.stdout).sent as number);
  assert.equal(sentByProcess.reduce((a, b) => a + b, 0), 60);
  const counts = perRecipient(smtp);
  assert.equal(counts.size, 60);
  assert.deepEqual([...new Set(counts.values())], [1], 'no address received two messages');
  assert.equal(store.stmt("SELECT count(*) AS n FROM sends WHERE dry_run = 0 AND state = 'SENT'").get()?.n, 60);
});

test('the rate limit holds across processes: never more than the limit in any 60 s window', async (t) => {
  const { db, store, smtp } = await fixture(t, 30);
  const env = liveEnv(smtp, { RATE_LIMIT_PER_MINUTE: '7', DAILY_SEND_CAP: '0' });
  const outs = await runAll([1, 2, 3].map(() => leadflowAsync(['--db', db, 'send', '--live', '--tick', '--json'], env)));
  for (const o of outs) assert.equal(o.code, 0, o.stderr);
  assert.equal(smtp.received.length, 7);
  const again = await leadflowAwait(['--db', db, 'send', '--live', '--tick', '--json'], env);
  assert.equal(again.code, 0, again.stderr);
  const tally = JSON.parse(again.stdout);
  assert.equal(tally.sent, 0);
  assert.equal(tally.stillQueued, 23);
  assert.match(tally.limitedBy, /rate limit of 7\/min/);
  assert.equal(smtp.received.length, 7);
  // Every 60 s window over the recorded attempts holds at most 7.
  const times = store.stmt('SELECT at_ms FROM send_attempts ORDER BY at_ms').all().map((r) => Number(r.at_ms));
  for (let i = 0; i < times.length; i++) assert.ok(times.filter((x) => x >= times[i] && x < times[i] + 60_000).length <= 7);
});

test('the daily cap holds for a sender mailbox', async (t) => {
  const { db, smtp } = await fixture(t, 12);
  const env = liveEnv(smtp, { RATE_LIMIT_PER_MINUTE: '0', DAILY_SEND_CAP: '5' });
  const run = async () => {
    const r = await leadflowAwait(['--db', db, 'send', '--live', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const first = await run();
  assert.equal(first.sent, 5);
  assert.match(first.limitedBy, /daily cap of 5/);
  const second = await run();
  assert.equal(second.sent, 0);
  assert.equal(smtp.received.length, 5);
});

test('`send --live` without the compliance settings refuses with what to set, and sends nothing', async (t) => {
  const { db, smtp } = await fixture(t, 3);
  const r = await leadflowAwait(['--db', db, 'send', '--live'], { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_FROM_EMAIL: 'a@sender.leadflow-test.net', LEADFLOW_SECRET: '', LEADFLOW_UNSUBSCRIBE_URL: '', SENDER_POSTAL_ADDRESS: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /LEADFLOW_UNSUBSCRIBE_URL.*LEADFLOW_SECRET.*SENDER_POSTAL_ADDRESS/s);
  assert.equal(smtp.received.length, 0);
});

test('SIGKILL at random points (50 kills) leaves no duplicate and no lost lead; mid-send rows become UNKNOWN', async (t) => {
  const LEADS = 400; // more than 50 short-lived senders get through on a quiet machine, so every one of the 50 kills lands
  const { db, store, smtp } = await fixture(t, LEADS, 40);
  const env = liveEnv(smtp, { RATE_LIMIT_PER_MINUTE: '0', DAILY_SEND_CAP: '0' });
  let kills = 0;
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  while (kills < 50) {
    const child = leadflowAsync(['--db', db, 'send', '--live', '--wait', '60'], env);
    const exited = once(child, 'exit');
    let done = false;
    void exited.then(() => (done = true));
    await sleep(300 + random() * 1200);
    if (!done) {
      child.kill('SIGKILL');
      kills++;
    }
    await exited;
    const left = Number(store.stmt("SELECT count(*) AS n FROM sends WHERE state IN ('QUEUED', 'SENDING')").get()?.n);
    if (left === 0) break;
  }
  assert.equal(kills, 50, 'the queue outlasted 50 killed senders');
  // Finish whatever is still queued, without kills.
  const last = await leadflowAwait(['--db', db, 'send', '--live', '--json'], env);
  assert.equal(last.code, 0, last.stderr);

  const states = Object.fromEntries(store.stmt('SELECT state, count(*) AS n FROM sends WHERE dry_run = 0 GROUP BY state').all().map((r) => [r.state, Number(r.n)]));
  const counts = perRecipient(smtp);
  assert.ok([...counts.values()].every((n) => n === 1), 'no address received a message twice');
  assert.equal((states.SENT ?? 0) + (states.UNKNOWN ?? 0), LEADS, `every lead is SENT or UNKNOWN: ${JSON.stringify(states)}`);
  for (const r of store.stmt("SELECT l.email, s.state FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.dry_run = 0").all()) {
    if (r.state === 'SENT') assert.equal(counts.get(r.email as string), 1, `${r.email} is SENT and arrived once`);
  }
  t.diagnostic(`kills: ${kills}, ledger: ${JSON.stringify(states)}, delivered: ${counts.size}`);
});

test('`run --live` runs the pipeline over imported leads, then sends them for real; it generates no synthetic leads', async (t) => {
  const db = tempStorePath(t);
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const csv = join(tempDir(t), 'prospects.csv');
  writeFileSync(csv, 'email,first_name,last_name,title,company,website,industry,country\n' +
    Array.from({ length: 4 }, (_, i) => `r${i}@inbox.leadflow-test.net,Rae,Doe${i},CTO,Test Co,https://inbox.leadflow-test.net,Technology,Germany`).join('\n') + '\n');
  const imported = await leadflowAwait(['--db', db, 'import', csv]);
  assert.equal(imported.code, 0, imported.stderr);
  const env = liveEnv(smtp, { RATE_LIMIT_PER_MINUTE: '0', DAILY_SEND_CAP: '0' });
  const asked = await leadflowAwait(['--db', db, 'run', '--leads', '3', '--channels', 'email', '--live', '--json'], env);
  assert.equal(asked.code, 2, 'asking a live run to generate is a mistake in the command');
  assert.match(asked.stderr, /--live sends to the leads in the store and generates none/);
  const r = await leadflowAwait(['--db', db, 'run', '--channels', 'email', '--live', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.leads.total, 4, 'no synthetic lead joined the real ones');
  assert.equal(doc.leads.synthetic, 0);
  assert.equal(doc.liveSend.sent, 4);
  assert.equal(doc.sends.live, 4);
  assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), [0, 1, 2, 3].map((i) => `r${i}@inbox.leadflow-test.net`));
  // Without the settings, --live refuses before touching anything.
  const refused = await leadflowAwait(['--db', db, 'run', '--leads', '0', '--live'], { SMTP_HOST: '' });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /SMTP_HOST is not set/);
});
