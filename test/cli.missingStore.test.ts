import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leadflow } from './support/cli';
import { tempDir } from './support/tmp';

// Commands that only work on what a store already holds: pointed at a path with no store (a typo in --db), they
// must say so and leave the disk as it was, not create folders and an empty store and report an empty result.
for (const args of [
  ['metrics'],
  ['metrics', '--json'],
  ['leads'],
  ['export'],
  ['export', '--out', 'OUT'],
  ['preview', '1'],
  ['sends', 'list'],
  ['sends', 'retry-unknown', '--all'],
  ['sends', 'resume'],
  ['verify'],
  ['send'],
  ['stop'],
]) {
  test(`\`${args.join(' ')}\` with a --db where there is no store exits 1 saying so, and creates nothing`, (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'typo', 'nested', 'leadflow.db');
    const out = join(dir, 'out.csv');
    const r = leadflow(['--db', db, ...args.map((a) => (a === 'OUT' ? out : a))]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stderr, `leadflow: there is no leadflow store at ${db} (nothing was created): check the path, or create one by importing or running\n`);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(join(dir, 'typo')), false, 'no folder was created');
    assert.equal(existsSync(out), false, 'no output file was created');
  });
}

test('a read command finds no store through $LEADFLOW_DB either, and creates nothing', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'missing', 'leadflow.db');
  const r = leadflow(['metrics'], { LEADFLOW_DB: db });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /there is no leadflow store at .*missing\/leadflow\.db \(nothing was created\)/);
  assert.equal(existsSync(join(dir, 'missing')), false);
});

test('commands that put something in a store still create it: import, then the read commands work on it', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'new', 'leadflow.db');
  const csv = join(dir, 'leads.csv');
  writeFileSync(csv, 'email,first_name,last_name,title,company,website,industry,country\nana@acme.example,Ana,Ruiz,CTO,Acme,https://acme.example,Technology,Spain\n');
  const imported = leadflow(['--db', db, 'import', csv]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(existsSync(db), true);
  const m = leadflow(['--db', db, 'metrics', '--json']);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(JSON.parse(m.stdout).leads.total, 1);
});
