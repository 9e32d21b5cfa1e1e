/**
 * The tallies (lib/store/tallies.ts) are what every metric reads at a million leads: they must equal a full recount
 * of the rows after anything a user does to a store — two processes writing at once, a SIGKILL mid-batch and a
 * resume, an import with duplicates, an erase, a lead deleted by hand, a live send with faults, a clear — and
 * `leadflow doctor --store` must find a drift (and a lead missing from the search index) and rebuild it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../lib/store/store';
import { readTallies, tallyDrift } from '../lib/store/tallies';
import { getMetrics } from '../lib/metrics/metrics';
import { clearLeads } from '../lib/leads/erase';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { leadflow, leadflowAsync, leadflowAwait } from './support/cli';
import { tempDir, tempStorePath } from './support/tmp';
import { waitFor } from './support/wait';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN, liveEnv } from './support/liveLeads';

const count = (s: Store, sql: string) => Number(s.stmt(sql).get()?.n ?? 0);


/** The tallies equal the recount, and the funnel read from them equals the same figures counted from the rows. */
async function assertExact(s: Store, when: string): Promise<void> {
  assert.deepEqual(tallyDrift(s), [], `tallies after ${when}`);
  const m = await getMetrics(s);
  assert.equal(m.leads.total, count(s, 'SELECT count(*) AS n FROM leads'), `leads after ${when}`);
  assert.equal(m.funnel[2].leads, count(s, 'SELECT count(DISTINCT lead_id) AS n FROM messages'), `messaged after ${when}`);
  assert.equal(m.funnel[3].leads, count(s, "SELECT count(DISTINCT lead_id) AS n FROM sends WHERE state = 'SENT' AND dry_run = 0"), `sent after ${when}`);
  assert.equal(m.simulated.leads, count(s, "SELECT count(DISTINCT lead_id) AS n FROM sends WHERE state = 'SENT' AND dry_run = 1"), `simulated after ${when}`);
  assert.equal(m.sends.total, count(s, 'SELECT count(*) AS n FROM sends'), `ledger rows after ${when}`);
}

function csvOf(rows: string[][]): string {
  return ['email,first_name,last_name,title,company,website,industry,country', ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

test('the tallies equal a recount after two writers at once, a SIGKILL and a resume, an import with duplicates, an erase and a clear', async (t) => {
  const db = tempStorePath(t);
  const dir = tempDir(t);
  const people = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => [`buyer${from + i}@imported.example`, 'Ana', `Ruiz${from + i}`, 'CTO', 'Imported Co', 'https://imported.example', 'Technology', 'Spain']);
  writeFileSync(join(dir, 'first.csv'), csvOf(people(0, 400)));

  // Two processes write at once: a run generating, enriching, writing and dry-running, and an import beside it.
  const run = leadflowAsync(['--db', db, 'run', '--leads', '3000', '--batch-size', '100', '--channels', 'email,linkedin']);
  const runExited = once(run, 'exit'); // listened for now: the run may end before the import does
  const watch = openStore(db);
  t.after(() => watch.close());
  await waitFor(() => count(watch, 'SELECT count(*) AS n FROM leads') >= 300, 'the run under way');
  const imported = await leadflowAwait(['--db', db, 'import', join(dir, 'first.csv')]);
  assert.equal(imported.code, 0, imported.stderr);
  const [runCode] = await runExited;
  assert.equal(runCode, 0, run.output().stderr);
  assert.equal(count(watch, 'SELECT count(*) AS n FROM leads'), 3_400);
  await assertExact(watch, 'a run and an import at once');

  // A SIGKILL mid-batch, then a resume.
  const from = count(watch, "SELECT count(*) AS n FROM sends WHERE state = 'SENT'");
  const killed = leadflowAsync(['--db', db, 'run', '--leads', '6000', '--seed', '7', '--batch-size', '100', '--channels', 'email,linkedin']);
  const exited = once(killed, 'exit');
  await waitFor(() => count(watch, "SELECT count(*) AS n FROM sends WHERE state = 'SENT'") >= from + 2_000, 'the second run sending');
  killed.kill('SIGKILL');
  await exited;
  assert.ok(count(watch, 'SELECT count(*) AS n FROM leads') < 9_400, 'killed before the end');
  await assertExact(watch, 'a SIGKILL mid-batch');
  const resumed = leadflow(['--db', db, 'run', '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(count(watch, 'SELECT count(*) AS n FROM leads'), 9_400);
  await assertExact(watch, 'the resume');

  // An import whose rows repeat each other and the store.
  writeFileSync(join(dir, 'again.csv'), csvOf([...people(390, 20), ...people(410, 5), ...people(410, 5)]));
  const again = await leadflowAwait(['--db', db, 'import', join(dir, 'again.csv'), '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(count(watch, 'SELECT count(*) AS n FROM leads'), 9_415, '15 new people, 15 repeats');
  await assertExact(watch, 'an import with duplicates');

  // Leads that change campaign take their counts along: the 15 new ones, enriched and drafted (not sent), move into
  // a campaign, their enrichment with them and their demo drafts dropped.
  enrichNewLeads(watch);
  personalizeEnriched(watch, { channels: ['email'] });
  assert.equal(leadflow(['--db', db, 'campaign', 'create', '--file', join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml')]).code, 0);
  const moved = leadflow(['--db', db, 'campaign', 'add-leads', 'payroll-restaurants', '--status', 'MESSAGED']);
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /^15 lead\(s\) added/);
  const theirs = await getMetrics(watch, { campaign: 'payroll-restaurants' });
  assert.deepEqual([theirs.leads.total, theirs.funnel[1].leads, theirs.funnel[2].leads], [15, 15, 0], 'leads and enrichments moved, drafts dropped');
  await assertExact(watch, 'leads moving campaign');

  // Erase a lead that was written to and dry-run sent.
  const sentTo = String(watch.stmt("SELECT l.email FROM leads l JOIN sends s ON s.lead_id = l.id WHERE s.state = 'SENT' LIMIT 1").get()!.email);
  const erased = leadflow(['--db', db, 'erase', sentTo]);
  assert.equal(erased.code, 0, erased.stderr);
  assert.equal(count(watch, 'SELECT count(*) AS n FROM leads'), 9_414);
  await assertExact(watch, 'an erase');

  // A lead deleted outright (by hand, as the sqlite3 shell would): its rows go by cascade, after it.
  const doomed = Number(watch.stmt("SELECT l.id FROM leads l JOIN sends s ON s.lead_id = l.id WHERE s.state = 'SENT' LIMIT 1").get()!.id);
  watch.exec(`DELETE FROM leads WHERE id = ${doomed}`);
  assert.equal(count(watch, `SELECT count(*) AS n FROM messages WHERE lead_id = ${doomed}`), 0, 'its messages went with it');
  await assertExact(watch, 'a lead deleted with its rows by cascade');

  assert.ok(clearLeads(watch) > 0);
  await assertExact(watch, 'a clear');
  assert.deepEqual([...readTallies(watch)], [], 'nothing left to count');
});

test('the tallies equal a recount after a live send with faults and an erase of a lead mail reached; doctor --store finds and repairs a drift and a lead missing from search', async (t) => {
  const db = tempStorePath(t);
  const dir = tempDir(t);
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const address = (i: number) => `rae${i}@${LIVE_TEST_DOMAIN}`;
  writeFileSync(join(dir, 'live.csv'), csvOf(Array.from({ length: 8 }, (_, i) => [address(i), 'Rae', `Doe${i}`, 'CTO', 'Test Co', `https://${LIVE_TEST_DOMAIN}`, 'Technology', 'Germany'])));
  assert.equal((await leadflowAwait(['--db', db, 'import', join(dir, 'live.csv')])).code, 0);
  smtp.faults.set(address(1), [{ at: 'rcpt', code: 550, message: '550 5.1.1 no such user' }]);
  smtp.faults.set(address(2), [{ at: 'rcpt', code: 451, message: '451 4.7.1 try again later' }]);
  smtp.faults.set(address(3), [{ at: 'drop-after-data' }]);
  smtp.faults.set(address(4), [{ at: 'data', code: 554, message: '554 5.7.1 rejected' }]);
  const r = await leadflowAwait(['--db', db, 'run', '--leads', '0', '--channels', 'email', '--live'], liveEnv(smtp.port));
  assert.equal(r.code, 0, r.stderr);
  const store = openStore(db);
  t.after(() => store.close());
  const states = count(store, "SELECT count(DISTINCT state) AS n FROM sends WHERE dry_run = 0");
  assert.ok(states >= 3, `the faults left sends in ${states} states`);
  // Sent: what the server took, but the message whose connection dropped after its data (UNKNOWN: not counted as sent).
  const took = smtp.received.filter((m) => !m.to.includes(address(3))).length;
  assert.equal((await getMetrics(store)).funnel[3].leads, took, 'sent: what the server took and said so');
  await assertExact(store, 'a live send with faults');

  const erased = leadflow(['--db', db, 'erase', address(0)]);
  assert.equal(erased.code, 0, erased.stderr);
  await assertExact(store, 'an erase of a lead mail reached');

  // A count written past the triggers and a lead taken out of the search index by hand are found, named, and rebuilt.
  store.exec("UPDATE tallies SET n = n + 5 WHERE key = 'messaged'");
  const hidden = address(5);
  store.exec(`INSERT INTO lead_search (lead_search, rowid, text)
    SELECT 'delete', id, first_name || ' ' || last_name || ' ' || email || ' ' || company || ' ' || title FROM leads WHERE email = '${hidden}'`);
  const search = () => leadflow(['--db', db, 'leads', '--search', hidden, '--json']);
  assert.equal(JSON.parse(search().stdout).total, 0, 'the hand edit hid the lead from search');
  const found = leadflow(['--db', db, 'doctor', '--store']);
  assert.equal(found.code, 1, found.stdout);
  assert.match(found.stdout, /FAIL {2}tallies {5}1 count\(s\) disagreed/);
  assert.match(found.stdout, /messaged: kept 12, counted 7/);
  assert.match(found.stdout, /FAIL {2}search {6}6 lead\(s\) indexed where there should be 7/);
  assert.match(found.stdout, /leadflow doctor --store --repair/);
  const repaired = leadflow(['--db', db, 'doctor', '--store', '--repair', '--json']);
  assert.equal(repaired.code, 0, repaired.stderr);
  const report = JSON.parse(repaired.stdout);
  assert.equal(report.repaired, true);
  assert.deepEqual(report.drift.map((d: { key: string }) => d.key), ['messaged']);
  assert.deepEqual(report.search, { indexed: 6, expected: 7 });
  await assertExact(store, 'a repair');
  assert.equal(JSON.parse(search().stdout).total, 1, 'found again');
  const ok = leadflow(['--db', db, 'doctor', '--store']);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /OK {4}tallies {5}every count equals a recount/);
  assert.match(ok.stdout, /OK {4}search {6}7 lead\(s\) indexed, as there should be/);

  const both = leadflow(['--db', db, 'doctor', 'example.com', '--store']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--store checks the store, not a domain/);
  const neither = leadflow(['--db', db, 'doctor']);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /name the sending domain to check/);
});

test('the recount reads one snapshot without the write lock: a writer in another connection goes on meanwhile', (t) => {
  const db = tempStorePath(t);
  const reader = openStore(db);
  const writer = openStore(db, { busyTimeoutMs: 0 }); // a lock held by the reader would fail its write at once
  t.after(() => {
    reader.close();
    writer.close();
  });
  const suppressed = () => count(reader, 'SELECT count(*) AS n FROM suppressions');
  const before = reader.snapshot(() => {
    const seen = suppressed();
    writer.tx(() => writer.stmt("INSERT INTO suppressions (kind, value, reason, created_at) VALUES ('email', 'x@y.example', 'test', 'now')").run());
    assert.equal(suppressed(), seen, 'a commit made after the snapshot began is not in it');
    assert.deepEqual(tallyDrift(reader), []);
    return seen;
  });
  assert.equal(suppressed(), before + 1, 'and is there once it ends');
});
