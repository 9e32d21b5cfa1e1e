import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openStore } from '../lib/store/store';
import { previewEmail } from '../lib/sending/preview';
import { importRows } from '../lib/leads/importLeads';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { leadflow } from './support/cli';
import { tempDir, tempStorePath } from './support/tmp';

test('`run --json` prints one document with leads, messages and sends for scripts', (t) => {
  const db = tempStorePath(t);
  const r = leadflow(['--db', db, 'run', '--leads', '50', '--seed', '9', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.leads.total, 50);
  assert.equal(doc.leads.byStatus.MESSAGED, 50, 'a dry run leaves its leads MESSAGED: nothing reached them');
  assert.equal(doc.leads.byStatus.SENT, 0);
  assert.equal(doc.leads.byStatus.NEW, 0);
  assert.equal(doc.messages.total, 200);
  assert.equal(doc.sends.byState.SENT, 0);
  assert.equal(doc.sends.dryRunByState.SENT, 100);
  assert.deepEqual(doc.simulated, { leads: 50, sends: 100 });
  assert.equal(doc.run.status, 'DONE');
});

test('`run` without --json shows progress on stderr and the funnel on stdout', (t) => {
  const r = leadflow(['--db', tempStorePath(t), 'run', '--leads', '30']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /generate .*30\/30/);
  assert.match(r.stderr, /send .*30\/30/);
  assert.match(r.stdout, /Funnel — 30 lead\(s\)/);
  assert.match(r.stdout, /^ {2}sent\s+0 /m, 'the funnel counts mail that left: none');
  assert.match(r.stdout, /\(dry run: 30 lead\(s\) simulated — recorded, nothing was sent\)/);
  assert.match(r.stdout, /60 send\(s\) simulated — dry run, nothing was sent/);
});

for (const [args, pattern] of [
  [['run', '--leads', 'abc'], /--leads.*must be a whole number, got "abc"/],
  [['run', '--leads', '2.5'], /--leads.*whole number/],
  [['run', '--channels', 'email,fax'], /--channels.*email, linkedin.*"email,fax"/],
  [['run', '--industries', 'Mining'], /"Mining" is not an industry/],
  [['run', '--bogus'], /unknown option '--bogus'/],
  [['launch'], /unknown command 'launch'/],
  [['leads', '--status', 'WON'], /"WON" is not a status/],
  [['export', '--format', 'xml'], /csv, json/],
] as const) {
  test(`a wrong command line (${args.join(' ')}) exits 2 naming what is wrong, and touches no store`, (t) => {
    const db = tempStorePath(t);
    const r = leadflow(['--db', db, ...args]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, pattern);
    assert.equal(existsSync(db), false);
  });
}

test('a --db that is not a SQLite file exits 1 and leaves the file as it was', (t) => {
  const path = join(tempDir(t), 'notes.txt');
  writeFileSync(path, 'not a database');
  const r = leadflow(['--db', path, 'run', '--leads', '5']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is not a SQLite database/);
  assert.equal(readFileSync(path, 'utf8'), 'not a database');
});

test('importing an unreadable file exits 2 (the input named is wrong) with the reason', (t) => {
  const r = leadflow(['--db', tempStorePath(t), 'import', '/nonexistent/leads.csv']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read \/nonexistent\/leads\.csv: ENOENT/);
});

test('a malformed CSV imports nothing, exits 2 and says where it broke', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'x.db');
  const csv = join(dir, 'bad.csv');
  writeFileSync(csv, 'email,first_name,last_name\nok@acme.example,Ok,Row\n"broken@acme.example,Bad\n');
  const r = leadflow(['--db', db, 'import', csv]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nothing was imported/);
  const s = openStore(db);
  t.after(() => s.close());
  assert.equal(s.stmt('SELECT count(*) AS n FROM leads').get()?.n, 0);
});

test('an import reports each bad row with its reason while the good rows go in', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'x.db');
  const csv = join(dir, 'leads.csv');
  writeFileSync(
    csv,
    [
      'Email,First Name,Last Name,Job Title,Company,Website,Industry,Country',
      'maria.lopez@northwind.example,Maria,Lopez,VP Operations,Northwind,northwind.example,Logistics,Spain',
      ',No,Email,CTO,Acme,acme.example,Technology,Germany',
      'sam@acme.example,Sam,Lee,CTO,Acme,http://,Technology,Germany',
      'MARIA.LOPEZ@northwind.example,Maria,Again,VP Operations,Northwind,northwind.example,Logistics,Spain',
      'li.wei@contoso.example,Li,Wei,Head of Data,Contoso,https://contoso.example,Technology,Singapore',
    ].join('\n') + '\n',
  );
  const r = leadflow(['--db', db, 'import', csv, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.rows, 5);
  assert.equal(report.inserted, 2);
  assert.deepEqual(report.rejected.map((x: { rowNumber: number }) => x.rowNumber), [2, 3, 4]);
  assert.match(report.rejected[0].reason, /email/);
  assert.match(report.rejected[1].reason, /website|url/i);
  assert.match(report.rejected[2].reason, /duplicate/);

  const again = leadflow(['--db', db, 'import', csv, '--json']);
  const second = JSON.parse(again.stdout);
  assert.equal(second.inserted, 0);
  assert.ok(second.rejected.filter((x: { reason: string }) => /already in the store/.test(x.reason)).length === 2);
});

test('export streams every lead as CSV with a header, or as JSON Lines', (t) => {
  const db = tempStorePath(t);
  leadflow(['--db', db, 'run', '--leads', '40']);
  const csv = leadflow(['--db', db, 'export']);
  assert.equal(csv.code, 0, csv.stderr);
  const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 40);
  assert.ok(rows.every((row) => row.status === 'MESSAGED' && row.email.endsWith('.example')));
  const jsonl = leadflow(['--db', db, 'export', '--format', 'json', '--status', 'MESSAGED']);
  const lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 40);
  assert.deepEqual(lines.map((l) => l.email), rows.map((row) => row.email));
});

test('`preview` prints the exact MIME the ledger recorded for a lead', async (t) => {
  const db = tempStorePath(t);
  leadflow(['--db', db, 'run', '--leads', '5', '--channels', 'email']);
  const r = leadflow(['--db', db, 'preview', '1']);
  assert.equal(r.code, 0, r.stderr);
  const s = openStore(db);
  t.after(() => s.close());
  const p = await previewEmail(s, 1);
  assert.equal(p.basis, 'ledger');
  assert.equal(r.stdout, p.mime.toString('utf8'));
  const recorded = JSON.parse(String(s.stmt("SELECT headers FROM sends WHERE lead_id = 1 AND channel = 'email'").get()?.headers));
  assert.match(r.stdout, new RegExp(`^Message-ID: ${recorded['Message-ID'].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r$`, 'm'));
  assert.match(r.stdout, /^Content-Type: text\/plain; charset=utf-8\r$/m);
});

test('`run` adds no synthetic leads to a store of imported prospects unless asked by number, and says so', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'leadflow.db');
  const csv = join(dir, 'prospects.csv');
  writeFileSync(csv, 'email,first_name,last_name,title,company,website,country\nrae@inbox.leadflow-test.net,Rae,Doe,CTO,Test Co,https://inbox.leadflow-test.net,Germany\n');
  assert.equal(leadflow(['--db', db, 'import', csv]).code, 0);
  const plain = leadflow(['--db', db, 'run', '--channels', 'email', '--json']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(JSON.parse(plain.stdout).leads.total, 1);
  assert.match(plain.stderr, /no synthetic leads were added \(pass --leads N to add them anyway\)/);
  const asked = leadflow(['--db', db, 'run', '--leads', '5', '--channels', 'email', '--json']);
  assert.equal(asked.code, 0, asked.stderr);
  assert.equal(JSON.parse(asked.stdout).leads.synthetic, 5);
});

test('`send --json` prints the tally for scripts, never the messages it planned', async (t) => {
  const db = tempStorePath(t);
  const s = openStore(db);
  const rows = Array.from({ length: 40 }, (_, i) => ({ email: `p${i}@inbox.leadflow-test.net`, first_name: 'Pat', last_name: `T${i}`, title: 'CTO', company: 'Test Co', website: 'https://inbox.leadflow-test.net', country: 'Germany' }));
  assert.equal((await importRows(s, rows, { source: 'test' })).inserted, 40);
  enrichNewLeads(s);
  personalizeEnriched(s, { channels: ['email'] });
  s.close();
  const r = leadflow(['--db', db, 'send', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual([doc.simulated, doc.sent], [40, 0]);
  assert.equal(doc.live, false);
  assert.deepEqual(Object.keys(doc).filter((k) => !['live', 'queued', 'followUps', 'unplanned', 'excluded', 'claimed', 'sent', 'simulated', 'failed', 'skipped', 'requeued', 'unknown', 'limitedBy', 'stillQueued', 'nextSendAt'].includes(k)), []);
  assert.ok(r.stdout.length < 2_000, `${r.stdout.length} bytes of JSON for a tally`);
});

test('export --campaign streams only that campaign\'s leads, with its own custom columns; an unknown campaign is named and nothing is written', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'leadflow.db');
  assert.equal(leadflow(['--db', db, 'run', '--leads', '5']).code, 0, 'five demo leads');
  assert.equal(leadflow(['--db', db, 'campaign', 'create', '--file', join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml')]).code, 0);
  writeFileSync(join(dir, 'p.csv'), 'email,first_name,company,website,Number of Sites\nana@harbor.example,Ana,Harbor,https://harbor.example,12\nlee@bluefin.example,Lee,Bluefin,https://bluefin.example,30\n');
  assert.equal(leadflow(['--db', db, 'import', join(dir, 'p.csv'), '--campaign', 'payroll-restaurants']).code, 0);

  const csv = leadflow(['--db', db, 'export', '--campaign', 'payroll-restaurants']);
  assert.equal(csv.code, 0, csv.stderr);
  const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
  assert.deepEqual(rows.map((r) => [r.email, r['Number of Sites']]), [['ana@harbor.example', '12'], ['lee@bluefin.example', '30']]);
  const all = parse(leadflow(['--db', db, 'export']).stdout, { columns: true }) as Record<string, string>[];
  assert.equal(all.length, 7, 'without --campaign, the whole store');

  const out = join(dir, 'nope.csv');
  const wrong = leadflow(['--db', db, 'export', '--campaign', 'nope', '--out', out]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /no campaign "nope" in the store; campaigns: demo, payroll-restaurants/);
  assert.equal(existsSync(out), false, 'no empty file left behind');
});
