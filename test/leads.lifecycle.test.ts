/**
 * The lead lifecycle is the one status machine: every move goes through it, only from where it is allowed, and the
 * layers keep to their jobs — only the lifecycle writes a lead's status, only the ledger writes `sends`, and the
 * adapters hold no SQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { openStore } from '../lib/store/store';
import { insertLead, getLead, leadRow } from '../lib/store/leads';
import { ALLOWED_FROM, advanceLeads, moveLead } from '../lib/leads/lifecycle';
import { LEAD_STATUSES, type LeadStatus } from '../lib/types';
import { tempStorePath } from './support/tmp';

const ROOT = join(__dirname, '..');

function newLead(s: ReturnType<typeof openStore>, email: string): number {
  const row = leadRow(
    { email, firstName: 'Ada', lastName: 'L', title: 'CTO', company: 'Engines', website: 'https://engines.example', linkedinUrl: '', industry: 'Technology', country: 'United Kingdom', timezone: 'Europe/London', synthetic: true, source: 'test' },
    'A',
    'engines.example',
  );
  return s.tx(() => insertLead(s, row, new Date().toISOString()))!;
}

test('each status is reached only from the statuses the lifecycle lists, and a refused move changes nothing', (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const now = new Date().toISOString();
  let n = 0;
  for (const from of LEAD_STATUSES) {
    for (const to of LEAD_STATUSES) {
      const id = newLead(s, `l${n++}@engines.example`);
      s.stmt('UPDATE leads SET status = ? WHERE id = ?').run(from, id); // put it there, as an earlier move would have
      const moved = s.tx(() => moveLead(s, id, to, now, 'why'));
      assert.equal(moved, ALLOWED_FROM[to].includes(from), `${from} → ${to}`);
      assert.equal(getLead(s, id)?.status, moved ? to : from);
    }
  }
});

test('a reply or a bounce is never overwritten by a late send or an unsubscribe', (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const now = new Date().toISOString();
  const replied = newLead(s, 'r@engines.example');
  s.tx(() => moveLead(s, replied, 'REPLIED', now));
  assert.equal(s.tx(() => advanceLeads(s, [replied], 'MESSAGED', 'SENT', now)), 0);
  assert.equal(s.tx(() => moveLead(s, replied, 'SENT', now)), false);
  assert.equal(s.tx(() => moveLead(s, replied, 'SUPPRESSED', now, 'unsubscribed')), false);
  assert.equal(getLead(s, replied)?.status, 'REPLIED');
});

test('a batch move the lifecycle has no arrow for is a bug, not a silent no-op', (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  assert.throws(() => advanceLeads(s, [1], 'NEW', 'SENT' as LeadStatus, new Date().toISOString()), /no move from NEW to SENT/);
});

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const p = join(dir, name);
    return statSync(join(ROOT, p)).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

test('only the lifecycle writes a lead’s status, and only the ledger writes the sends table', () => {
  const writesStatus = sources('lib').filter((p) => /UPDATE leads SET status/.test(read(p)));
  assert.deepEqual(writesStatus.map((p) => relative('lib', p)), [join('leads', 'lifecycle.ts')]);
  const writesSends = sources('lib').filter((p) => /(UPDATE|INSERT INTO|DELETE FROM) sends\b/.test(read(p)));
  assert.deepEqual(writesSends.map((p) => relative('lib', p)), [join('sending', 'ledger.ts')]);
});

test('the adapters hold no SQL: nodes, the MCP server, the page and the CLI call lib', () => {
  const adapters = ['nodes', 'mcp', 'status', 'bin'].flatMap(sources);
  const withSql = adapters.filter((p) => /\.stmt\(|\.prepare\(|\.tx\(|\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/.test(read(p)));
  assert.deepEqual(withSql, []);
});
