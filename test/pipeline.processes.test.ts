import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { openStore, type Store } from '../lib/store/store';
import { leadflow, leadflowAsync } from './support/cli';
import { tempStorePath } from './support/tmp';
import { waitFor } from './support/wait';

const count = (s: Store, sql: string) => Number(s.stmt(sql).get()?.n ?? 0);


test('`leadflow stop` from a second process stops a running pipeline, and `run --resume` finishes it', async (t) => {
  const db = tempStorePath(t);
  const N = 30_000;
  const child = leadflowAsync(['--db', db, 'run', '--leads', String(N), '--batch-size', '200', '--channels', 'email']);
  const watch = openStore(db);
  t.after(() => watch.close());
  await waitFor(() => count(watch, 'SELECT count(*) AS n FROM leads') >= 1000, 'the first leads');

  const stop = leadflow(['--db', db, 'stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /asked 1 running pipeline/);
  const [code] = await once(child, 'exit');
  const out = child.output();
  assert.equal(code, 0, out.stderr);
  assert.match(out.stdout, /stopped/);
  assert.match(out.stdout, /leadflow run --resume/);
  const sent = count(watch, 'SELECT count(DISTINCT lead_id) AS n FROM sends WHERE dry_run = 1');
  assert.ok(sent < N, `stopped before the end (${sent} of ${N} dry-run sent)`);
  assert.equal(count(watch, "SELECT count(*) AS n FROM runs WHERE status = 'STOPPED'"), 1);

  const resumed = leadflow(['--db', db, 'run', '--resume', '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const doc = JSON.parse(resumed.stdout);
  assert.equal(doc.leads.total, N);
  assert.equal(doc.leads.byStatus.MESSAGED, N);
  assert.equal(doc.sends.dryRunByState.SENT, N);
  assert.equal(doc.simulated.leads, N);
  assert.equal(doc.run.status, 'DONE');
});

test('SIGKILL at any stage loses no lead and duplicates no send; resume finishes the run', async (t) => {
  const db = tempStorePath(t);
  const N = 6_000;
  const watch = openStore(db);
  t.after(() => watch.close());
  // Kill points, each counted from where that process started, so every kill lands in a run at work: after more
  // leads, then more messages, then more sends (an offline run streams each batch through every stage, so a kill
  // can fall anywhere in a batch's transaction).
  const killWhen = [
    { sql: 'SELECT count(*) AS n FROM leads', more: 1_500 },
    { sql: 'SELECT count(*) AS n FROM messages', more: 4_000 },
    { sql: "SELECT count(*) AS n FROM sends WHERE state = 'SENT'", more: 2_000 },
  ];
  let kills = 0;
  for (const [i, point] of killWhen.entries()) {
    const args = i === 0
      ? ['--db', db, 'run', '--leads', String(N), '--batch-size', '100', '--channels', 'email,linkedin']
      : ['--db', db, 'run', '--resume', '--batch-size', '100'];
    const from = count(watch, point.sql);
    const child = leadflowAsync(args);
    const exited = once(child, 'exit');
    let finished = false;
    void exited.then(() => (finished = true));
    await waitFor(() => finished || count(watch, point.sql) >= from + point.more, `kill point ${i}`);
    if (!finished) {
      child.kill('SIGKILL');
      kills++;
    }
    await exited;
  }
  assert.ok(kills >= 2, `killed ${kills} runs mid-way`);

  // Finish with as many resumes as it takes (at most a few).
  for (let i = 0; i < 5; i++) {
    const r = leadflow(['--db', db, 'run', '--resume', '--json']);
    if (r.code !== 0) {
      assert.match(r.stderr, /no stopped or crashed run/);
      break;
    }
    if (JSON.parse(r.stdout).run.status === 'DONE') break;
  }
  assert.equal(count(watch, 'SELECT count(*) AS n FROM leads'), N, 'every lead generated exactly once');
  assert.equal(count(watch, "SELECT count(*) AS n FROM leads WHERE status = 'MESSAGED'"), N, 'every lead reached MESSAGED and its dry run');
  assert.equal(count(watch, 'SELECT count(*) AS n FROM sends'), N * 2);
  assert.equal(count(watch, "SELECT count(*) AS n FROM sends WHERE state = 'SENT'"), N * 2);
  assert.equal(count(watch, "SELECT count(*) AS n FROM sends WHERE state IN ('SENDING', 'UNKNOWN', 'QUEUED')"), 0);
  assert.equal(count(watch, 'SELECT count(*) AS n FROM (SELECT lead_id, channel, step, count(*) c FROM sends GROUP BY 1, 2, 3 HAVING c > 1)'), 0);
  assert.equal(count(watch, "SELECT count(*) AS n FROM runs WHERE status = 'CRASHED'"), kills);
  // The resumed store holds exactly the leads the seed produces.
  const freshDb = tempStorePath(t);
  const fresh = leadflow(['--db', freshDb, 'run', '--leads', String(N), '--channels', 'email,linkedin', '--json']);
  assert.equal(fresh.code, 0, fresh.stderr);
  const straight = openStore(freshDb);
  t.after(() => straight.close());
  const emails = (s: Store) => s.stmt('SELECT email FROM leads ORDER BY email').all().map((r) => r.email);
  assert.deepEqual(emails(watch), emails(straight));
});
