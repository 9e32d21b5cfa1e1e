/**
 * A live run reports what the live sends did: no dry run first, and each lead's status and the funnel agree with the
 * ledger when the server refuses, defers or drops messages. Through the CLI, against a real SMTP server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../lib/store/store';
import { leadflowAwait } from './support/cli';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN, liveEnv } from './support/liveLeads';
import { tempDir, tempStorePath } from './support/tmp';

const address = (i: number) => `r${i}@${LIVE_TEST_DOMAIN}`;


/** Each lead's status beside the state of its live email, straight from the file. */
function leadsAndLedger(store: Store) {
  return store
    .stmt(
      `SELECT l.email, l.status, l.status_reason AS reason, s.state FROM leads l
       LEFT JOIN sends s ON s.lead_id = l.id AND s.dry_run = 0 ORDER BY l.email`,
    )
    .all() as { email: string; status: string; reason: string | null; state: string | null }[];
}

/** What a lead's status must be for the state of its one live send. */
const STATUS_FOR: Record<string, string> = { SENT: 'SENT', FAILED: 'FAILED', QUEUED: 'MESSAGED', UNKNOWN: 'MESSAGED' };

test('`run --live` with a refused, a deferred and a dropped message ends with statuses and a funnel that match the ledger', async (t) => {
  const db = tempStorePath(t);
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const csv = join(tempDir(t), 'prospects.csv');
  writeFileSync(
    csv,
    'email,first_name,last_name,title,company,website,industry,country\n' +
      Array.from({ length: 6 }, (_, i) => `${address(i)},Rae,Doe${i},CTO,Test Co,https://${LIVE_TEST_DOMAIN},Technology,Germany`).join('\n') + '\n',
  );
  assert.equal((await leadflowAwait(['--db', db, 'import', csv])).code, 0);
  smtp.faults.set(address(1), [{ at: 'rcpt', code: 550, message: '550 5.1.1 no such user' }]);
  smtp.faults.set(address(2), [{ at: 'rcpt', code: 451, message: '451 4.7.1 try again later' }]);
  smtp.faults.set(address(3), [{ at: 'drop-after-data' }]);

  const r = await leadflowAwait(['--db', db, 'run', '--leads', '0', '--channels', 'email', '--live', '--json'], liveEnv(smtp.port));
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);

  assert.equal(doc.sends.dryRun, 0, 'a live run records no dry run');
  assert.deepEqual(
    { SENT: doc.sends.byState.SENT, FAILED: doc.sends.byState.FAILED, QUEUED: doc.sends.byState.QUEUED, UNKNOWN: doc.sends.byState.UNKNOWN },
    { SENT: 3, FAILED: 1, QUEUED: 1, UNKNOWN: 1 },
  );
  assert.deepEqual(
    { SENT: doc.leads.byStatus.SENT, FAILED: doc.leads.byStatus.FAILED, MESSAGED: doc.leads.byStatus.MESSAGED },
    { SENT: 3, FAILED: 1, MESSAGED: 2 },
  );
  assert.equal(doc.funnel.find((f: { stage: string }) => f.stage === 'sent').leads, 3, 'the funnel counts what reached a server');

  const store = openStore(db);
  t.after(() => store.close());
  for (const row of leadsAndLedger(store)) {
    assert.equal(row.status, STATUS_FOR[row.state ?? ''], `${row.email}: status ${row.status} for a ${row.state} send`);
  }
  const byEmail = new Map(leadsAndLedger(store).map((row) => [row.email, row]));
  assert.match(byEmail.get(address(1))!.reason ?? '', /550/);
  assert.match(byEmail.get(address(2))!.reason ?? '', /waiting to retry/);
  assert.match(byEmail.get(address(3))!.reason ?? '', /UNKNOWN/);
});

test('`run --live` says live sending follows, never "dry run, nothing was sent"', async (t) => {
  const db = tempStorePath(t);
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const csv = join(tempDir(t), 'prospects.csv');
  writeFileSync(csv, `email,first_name,last_name,title,company,website,industry,country\n${address(0)},Rae,Doe,CTO,Test Co,https://${LIVE_TEST_DOMAIN},Technology,Germany\n`);
  assert.equal((await leadflowAwait(['--db', db, 'import', csv])).code, 0);
  const r = await leadflowAwait(['--db', db, 'run', '--leads', '0', '--channels', 'email', '--live'], liveEnv(smtp.port));
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /dry run, nothing was sent/);
  assert.match(r.stdout, /live sending follows/);
  assert.equal(smtp.received.length, 1);
});
