/**
 * `leadflow leads --search` and `--after`, as a user types them: words that start a name, an email or a company,
 * accents ignored, a common word counted to its cap ("10000+"), and the next page by the cursor the footer names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_COUNT_CAP } from '../lib/store/leadSearch';
import { leadflow } from './support/cli';
import { tempDir } from './support/tmp';

/** A store made the way a user makes one: `leadflow import` of a CSV. */
function importedStore(dir: string, rows: string[]): string {
  const db = join(dir, 'leads.db');
  const csv = join(dir, 'people.csv');
  writeFileSync(csv, 'email,first_name,last_name,company,title\n' + rows.join('\n') + '\n');
  const r = leadflow(['--db', db, 'import', csv]);
  assert.equal(r.code, 0, r.stderr);
  return db;
}

const emailsIn = (stdout: string) => [...stdout.matchAll(/^\s+\d+\s+\S+\s+[AB]\s+(\S+@\S+)/gm)].map((m) => m[1]);

test('`leads --search` finds by first name, last name, email, domain and company, ignoring case and accents', (t) => {
  const db = importedStore(tempDir(t), [
    'jose.muller@bravo.example,José,Müller,Bravo Logistics,Head of Finance',
    'ines@cafe-lumiere.example,Inès,Duval,Café Lumière,CFO',
    'li@acme.example,Li,Wei,Acme Works,CTO',
  ]);
  const search = (words: string) => {
    const r = leadflow(['--db', db, 'leads', '--search', words]);
    assert.equal(r.code, 0, r.stderr);
    return emailsIn(r.stdout);
  };
  assert.deepEqual(search('jose'), ['jose.muller@bravo.example']);
  assert.deepEqual(search('MULLER'), ['jose.muller@bravo.example']);
  assert.deepEqual(search('josé müller'), ['jose.muller@bravo.example']);
  assert.deepEqual(search('jose.muller@bravo.example'), ['jose.muller@bravo.example']);
  assert.deepEqual(search('bravo.example'), ['jose.muller@bravo.example']);
  assert.deepEqual(search('cafe lumiere'), ['ines@cafe-lumiere.example']);
  assert.deepEqual(search('ines cfo'), ['ines@cafe-lumiere.example'], 'the title too');
  assert.deepEqual(search('acme'), ['li@acme.example']);
  assert.deepEqual(search('"acme'), ['li@acme.example'], 'a stray quote is text');
  assert.deepEqual(search('NEAR(acme'), [], 'so is a word of query syntax');
});

test('`leads --search` of a common word says "10000+", and `--after` the footer names gives the next page', (t) => {
  const n = SEARCH_COUNT_CAP + 15;
  const db = importedStore(
    tempDir(t),
    Array.from({ length: n }, (_, i) => `pat${i}@plenty.example,Pat${i},Plenty,Plenty Co,Buyer`),
  );
  const first = leadflow(['--db', db, 'leads', '--search', 'plenty', '--limit', '5']);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(emailsIn(first.stdout), ['pat0', 'pat1', 'pat2', 'pat3', 'pat4'].map((p) => `${p}@plenty.example`));
  const cursor = /^5 of 10000\+ lead\(s\); next page: --after (\d+)$/m.exec(first.stdout);
  assert.ok(cursor, first.stdout);

  const next = leadflow(['--db', db, 'leads', '--search', 'plenty', '--limit', '5', '--after', cursor[1]]);
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(emailsIn(next.stdout), ['pat5', 'pat6', 'pat7', 'pat8', 'pat9'].map((p) => `${p}@plenty.example`));
  const byOffset = leadflow(['--db', db, 'leads', '--search', 'plenty', '--limit', '5', '--offset', '5']);
  assert.deepEqual(emailsIn(byOffset.stdout), emailsIn(next.stdout), 'the same page as --offset 5');

  const json = leadflow(['--db', db, 'leads', '--search', 'plenty', '--limit', '3', '--json']);
  const doc = JSON.parse(json.stdout) as { total: number; totalIsLowerBound: boolean; hasMore: boolean; leads: unknown[] };
  assert.deepEqual([doc.total, doc.totalIsLowerBound, doc.hasMore, doc.leads.length], [SEARCH_COUNT_CAP, true, true, 3]);

  const last = leadflow(['--db', db, 'leads', '--limit', '5', '--after', String(n - 2)]);
  assert.match(last.stdout, new RegExp(`^2 of ${n} lead\\(s\\)$`, 'm'), 'no search: the exact total, and no next page at the end');
  const bad = leadflow(['--db', db, 'leads', '--after', 'x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--after.*must be a whole number/);
});
