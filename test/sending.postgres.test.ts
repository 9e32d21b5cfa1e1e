/**
 * Live sending from several processes on one PostgreSQL store — what n8n's queue mode does with workers on several
 * hosts — through the door a user runs: `leadflow send --live --db postgres://…`, to a real SMTP server. Counted on
 * what the server received: every lead at most once, a daily cap of 20 held at 20 across the senders, an unsubscribe
 * recorded by another process mid-send stops that address, and a sender killed mid-send leaves UNKNOWN, never a
 * second delivery.
 */
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { closeDb, openDb } from '../lib/store/openDb';
import { unsubscribeLead } from '../lib/inbound/unsubscribe';
import { leadflowAsync, leadflowAwait, type CliResult } from './support/cli';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN, liveEnv } from './support/liveLeads';
import { seedLeadsWithMessages, sendStates } from './support/stores';
import { testDatabase } from './support/postgres';
import { waitFor } from './support/wait';
import { setTimeout as sleep } from 'node:timers/promises';

/** Poll an asynchronous condition (rows in the shared store) until it holds. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const recipients = (smtp: { received: { to: string[] }[] }) => smtp.received.map((m) => m.to[0]);

test('two live senders in queue mode on one PostgreSQL store: each lead once, a daily cap of 20 across both, an unsubscribe mid-send holds', async (t) => {
  const url = await testDatabase(t);
  const store = await openDb(url);
  t.after(() => closeDb(store));
  const { leads } = await seedLeadsWithMessages(store, 40, { domain: LIVE_TEST_DOMAIN, synthetic: false });
  const smtp = await startSmtp({ delayMs: 60 });
  t.after(() => smtp.close());
  // As n8n's queue-mode workers run: a SQLite store would be refused here; the shared PostgreSQL store sends.
  const env = liveEnv(smtp.port, { DAILY_SEND_CAP: '20', EXECUTIONS_MODE: 'queue' });
  const args = ['send', '--live', '--wait', '30', '--json', '--db', url];
  const senders = [leadflowAsync(args, env), leadflowAsync(args, env)];
  const done = senders.map((p) => new Promise<CliResult>((resolve) => p.on('exit', () => resolve(p.output()))));
  // Another process (this one) records an unsubscribe while the senders are at work: p19 would be the 20th sent.
  await waitFor(() => smtp.received.length >= 3, 'the senders started delivering', 30_000);
  const unsubscribed = await unsubscribeLead(store, leads[19], 'unsubscribed (test)');
  assert.ok(unsubscribed.ok && !recipients(smtp).includes(`p19@${LIVE_TEST_DOMAIN}`), 'p19 was not sent before the unsubscribe');
  const results = await Promise.all(done);
  for (const r of results) {
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /queue mode/, 'no queue-mode warning on a PostgreSQL store');
  }
  const tallies = results.map((r) => JSON.parse(r.stdout) as { sent: number; limitedBy: string | null });

  const got = recipients(smtp);
  assert.equal(got.length, 20, `the daily cap of 20 holds across both senders (got ${got.length})`);
  assert.equal(new Set(got).size, 20, 'no address received twice');
  assert.ok(!got.includes(`p19@${LIVE_TEST_DOMAIN}`), 'nothing went to the address unsubscribed mid-send');
  assert.ok(got.includes(`p20@${LIVE_TEST_DOMAIN}`), 'the cap moved on to the next lead instead');
  assert.equal(tallies[0].sent + tallies[1].sent, 20, 'what the senders report is what the server received');
  assert.ok(tallies.every((x) => x.sent > 0), `both senders delivered (${tallies.map((x) => x.sent).join(' + ')})`);
  assert.ok(tallies.some((x) => /daily cap of 20/.test(String(x.limitedBy))), 'a sender says the cap held it');
  const states = await sendStates(store);
  assert.equal(states.SENT, 20);
  assert.equal(states.SKIPPED, 1, 'the unsubscribed lead’s queued send was cancelled');
  assert.deepEqual(await store.get('SELECT status FROM leads WHERE id = ?', [leads[19]]), ['SUPPRESSED']);
});

test('a live sender killed mid-send on a PostgreSQL store leaves UNKNOWN rows that the next sender never sends again', async (t) => {
  const url = await testDatabase(t);
  const store = await openDb(url);
  t.after(() => closeDb(store));
  await seedLeadsWithMessages(store, 6, { domain: LIVE_TEST_DOMAIN, synthetic: false });
  // The server takes its time to answer after DATA: the sender is killed while messages are in flight.
  const smtp = await startSmtp({ delayMs: 1_500 });
  t.after(() => smtp.close());
  const env = liveEnv(smtp.port);
  const doomed = leadflowAsync(['send', '--live', '--db', url], env);
  const gone = new Promise((resolve) => doomed.on('exit', resolve));
  await until(async () => ((await sendStates(store)).SENDING ?? 0) > 0 && smtp.received.length === 0, 'a send in flight');
  doomed.kill('SIGKILL');
  await gone;
  const inFlight = (await store.all("SELECT l.email FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.state = 'SENDING' ORDER BY s.id")).map((r) => String(r[0]));
  assert.ok(inFlight.length > 0);
  // What the server accepted from the killed sender arrives late (its answer was pending): wait it out, then send again.
  await sleep(2_000);
  const before = recipients(smtp);
  const next = await leadflowAwait(['send', '--live', '--json', '--db', url], env);
  assert.equal(next.code, 0, next.stderr);
  const tally = JSON.parse(next.stdout) as { sent: number; unknown: number };
  const after = recipients(smtp);
  assert.equal(new Set(after).size, after.length, `no address received twice: ${after.join(', ')}`);
  for (const email of inFlight) assert.ok(!after.slice(before.length).includes(email), `${email}, in flight when the sender died, was not sent again`);
  const states = await sendStates(store);
  assert.equal(states.UNKNOWN, inFlight.length, 'the killed sender’s rows wait for a person as UNKNOWN');
  assert.equal(states.SENT, 6 - inFlight.length);
  assert.equal(tally.sent, 6 - inFlight.length);
});

test('a command that works on SQLite only so far refuses a PostgreSQL store by name and creates nothing', async (t) => {
  const url = await testDatabase(t);
  for (const args of [['run', '--leads', '3'], ['stop'], ['doctor', '--store']]) {
    const r = await leadflowAwait([...args, '--db', url]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /this command works on a SQLite store for now; postgres:\/\/.+ is PostgreSQL \(`import`, `campaign`, `send`, .+ work on it\)/);
  }
  const store = await openDb(url);
  t.after(() => closeDb(store));
  assert.deepEqual(await store.all('SELECT count(*) FROM leads'), [[0]], 'nothing was written to the PostgreSQL store either');
  assert.ok(!existsSync(join(process.cwd(), 'postgres:')), 'no folder named after the URL (the children run here)');
});
