/**
 * Text from outside never carries invisible or line-breaking characters into the store, wherever it comes in: the
 * validator strips invisible format characters (zero-width spaces, byte-order marks, bidi overrides and isolates),
 * refuses every kind of line break and control character with its reason while the good rows go in, and refuses
 * the old relay forms of an address (`user%host@…`, `host!user@…`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateLead } from '../lib/leads/validate';
import { mapRows } from '../lib/leads/rows';
import { isEmailAddress } from '../lib/leads/emailAddress';
import { openStore } from '../lib/store/store';
import { getLeadByEmail } from '../lib/store/leads';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { leadflow } from './support/cli';
import { mcpOverStdio } from './support/mcpClient';
import { runNode } from './support/n8nEngine';
import { tempDir, tempStorePath } from './support/tmp';
import { GOOD_LEAD } from './support/goodLead';

const good = GOOD_LEAD;

const codes = (reasons: string[]) => reasons.map((r) => r.slice(0, r.indexOf(':')));

function refused(changes: Record<string, unknown>): string[] {
  const result = validateLead({ ...good, ...changes });
  assert.equal(result.ok, false, `expected ${JSON.stringify(changes)} to be refused`);
  return result.ok ? [] : result.reasons;
}

// The characters the issue names, and their relatives.
const INVISIBLE = {
  zeroWidthSpace: '\u200b',
  byteOrderMark: '\ufeff',
  rightToLeftOverride: '\u202e',
  popDirectional: '\u202c',
  leftToRightIsolate: '\u2066',
  popIsolate: '\u2069',
  rightToLeftMark: '\u200f',
  softHyphen: '\u00ad',
  wordJoiner: '\u2060',
};
const LINE_BREAKS = { nextLine: '\u0085', lineSeparator: '\u2028', paragraphSeparator: '\u2029', verticalTab: '\v', formFeed: '\f', cr: '\r', lf: '\n' };

test('invisible format characters are stripped from every text field, and the lead goes in', () => {
  for (const [name, ch] of Object.entries(INVISIBLE)) {
    const result = validateLead({
      ...good,
      firstName: `A${ch}da`,
      lastName: `${ch}Lovelace${ch}`,
      company: `${ch}Analytical${ch} Engines`,
      title: `C${ch}TO`,
      industry: `Tech${ch}nology`,
      email: `ada.${ch}lovelace@analytical.io`,
    });
    assert.ok(result.ok, `${name}: ${JSON.stringify(result)}`);
    assert.equal(result.lead.firstName, 'Ada', name);
    assert.equal(result.lead.lastName, 'Lovelace', name);
    assert.equal(result.lead.company, 'Analytical Engines', name);
    assert.equal(result.lead.title, 'CTO', name);
    assert.equal(result.lead.industry, 'Technology', name);
    assert.equal(result.lead.email, 'ada.lovelace@analytical.io', name);
  }
});

test('a name made of nothing but invisible characters is stored as no name, never as the invisible characters', () => {
  const result = validateLead({ ...good, firstName: '\u200b\ufeff', company: '\u202e' });
  assert.ok(result.ok, result.ok ? '' : result.reasons.join('; '));
  assert.deepEqual([result.lead.firstName, result.lead.company], ['', '']);
});

test('the joiners that Persian, Indic scripts and emoji spell with are kept', () => {
  const result = validateLead({ ...good, firstName: 'Mohammad\u200cReza', company: 'Dev\u200d\u{1F4BB} Labs' });
  assert.ok(result.ok);
  assert.equal(result.lead.firstName, 'Mohammad\u200cReza');
  assert.equal(result.lead.company, 'Dev\u200d\u{1F4BB} Labs');
});

test('every kind of line break is refused as line_break, naming the field', () => {
  for (const [name, ch] of Object.entries(LINE_BREAKS)) {
    const reasons = refused({ company: `Acme${ch}Bcc: evil@evil.example`, lastName: `Love${ch}lace` });
    assert.deepEqual(codes(reasons), ['line_break', 'line_break'], name);
    assert.match(reasons.join(' '), /company contains a line break/, name);
  }
});

test('C0 and C1 control characters are refused as control_character', () => {
  for (const ch of ['\u0000', '\u001b', '\u007f', '\u0080', '\u009b', '\u009f']) {
    assert.deepEqual(codes(refused({ company: `Acme${ch}Corp` })), ['control_character'], JSON.stringify(ch));
  }
  assert.ok(validateLead({ ...good, company: 'Acme\tCorp' }).ok, 'a tab from a pasted spreadsheet cell stays harmless');
});

test('the old relay forms of an address are refused with a reason that says why', () => {
  for (const email of ['user%host.example@relay.io', 'host!user@relay.io', 'a.b!c%d@relay.io']) {
    assert.equal(isEmailAddress(email), false, email);
    const reasons = refused({ email });
    assert.deepEqual(codes(reasons), ['invalid_email'], email);
    assert.match(reasons[0], /relay/, reasons[0]);
    assert.ok(reasons[0].includes(JSON.stringify(email)), reasons[0]);
  }
});

test('mapRows reports each hostile row with its reason while the good rows go in', () => {
  const rows = [
    { email: 'ok1@acme.io', first_name: '\u200bJane', last_name: 'Doe', company: '\u202eAcme', website: 'acme.io' },
    { email: 'bad1@acme.io', first_name: 'John', last_name: 'Roe', company: 'Acme\u2028Bcc: evil@evil.example', website: 'acme.io' },
    { email: 'bad2@acme.io', first_name: 'Jim\u0085', last_name: 'Poe', company: 'Acme', website: 'acme.io' },
    { email: 'boss%evil.example@acme.io', first_name: 'Ann', last_name: 'Lee', company: 'Acme', website: 'acme.io' },
    { email: 'ok2@acme.io', first_name: 'Kim', last_name: 'Wu\ufeff', company: 'Acme', website: 'acme.io' },
  ];
  const mapped = mapRows(rows, { source: 'test' });
  assert.deepEqual(mapped.leads.map((l) => [l.rowNumber, l.lead.firstName, l.lead.lastName, l.lead.company]), [
    [1, 'Jane', 'Doe', 'Acme'],
    [5, 'Kim', 'Wu', 'Acme'],
  ]);
  assert.deepEqual(mapped.rejected.map((r) => [r.rowNumber, codes([r.reason])[0]]), [
    [2, 'line_break'],
    [3, 'line_break'],
    [4, 'invalid_email'],
  ]);
});

const HOSTILE_CSV = [
  'Email,First Name,Last Name,Company,Website,Industry,Country',
  'jane.doe@northwind.io,\u200bJane\ufeff,Doe,\u202eNorthwind\u202c,northwind.io,Logistics,Germany',
  'john.roe@northwind.io,John,Roe,Northwind\u2028Bcc: evil@evil.example,northwind.io,Logistics,Germany',
  'postmaster%evil.example@northwind.io,Post,Master,Northwind,northwind.io,Logistics,Germany',
  'li.wei@contoso.io,Li,Wei\u2066,Contoso,contoso.io,Technology,Singapore',
].join('\n') + '\n';

test('`leadflow import` strips invisible characters and reports line breaks and relay addresses per row', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'x.db');
  const csv = join(dir, 'hostile.csv');
  writeFileSync(csv, HOSTILE_CSV);
  const r = leadflow(['--db', db, 'import', csv, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { inserted: number; rejected: { rowNumber: number; reason: string }[] };
  assert.equal(report.inserted, 2);
  assert.deepEqual(report.rejected.map((x) => x.rowNumber), [2, 3]);
  assert.match(report.rejected[0].reason, /^line_break: company/);
  assert.match(report.rejected[1].reason, /^invalid_email: .*relay/);
  const store = openStore(db);
  try {
    const jane = getLeadByEmail(store, 'jane.doe@northwind.io')!;
    assert.deepEqual([jane.firstName, jane.company], ['Jane', 'Northwind']);
    assert.equal(getLeadByEmail(store, 'li.wei@contoso.io')!.lastName, 'Wei');
  } finally {
    store.close();
  }
});

test('MCP import_leads goes through the same gate: stripped, or rejected with the reason', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  const report = await mcp.ok<{ inserted: number; ids: number[]; rejected: { rowNumber: number; reason: string }[] }>('import_leads', {
    rows: [
      { email: 'dana@brightforge.io', firstName: 'Dana\u200b', lastName: 'Ruiz', company: '\ufeffBrightforge\u202e', website: 'brightforge.io' },
      { email: 'lee@brightforge.io', firstName: 'Lee', lastName: 'Park', company: 'Brightforge\u0085Bcc: evil@evil.example', website: 'brightforge.io' },
      { email: 'relay!lee@brightforge.io', firstName: 'Lee', lastName: 'Park', company: 'Brightforge', website: 'brightforge.io' },
    ],
  });
  assert.equal(report.inserted, 1);
  assert.deepEqual(report.rejected.map((r) => r.rowNumber), [2, 3]);
  assert.match(report.rejected[0].reason, /^line_break: company/);
  assert.match(report.rejected[1].reason, /^invalid_email: .*relay/);
  const lead = await mcp.ok<{ lead: { firstName: string; company: string } }>('get_lead', { id: report.ids[0] });
  assert.deepEqual([lead.lead.firstName, lead.lead.company], ['Dana', 'Brightforge']);
});

test('the Generate Leads node in import mode strips and rejects item fields the same way', async (t) => {
  const storePath = tempStorePath(t);
  const { items, error } = await runNode(new GenerateLeads(), {
    parameters: { storePath, mode: 'import' },
    input: [
      { email: 'ana@corvid.dev', firstName: '\u2066Ana\u2069', lastName: 'Silva', company: 'Corvid\u200b', website: 'corvid.dev' },
      { email: 'omar@corvid.dev', firstName: 'Omar', lastName: 'Haddad\u2029X-Evil: 1', company: 'Corvid', website: 'corvid.dev' },
    ],
  });
  assert.equal(error, undefined);
  const outcomes = items.map((i) => i.json.leadflow as { outcome: string; reason?: string });
  assert.equal(outcomes[0].outcome, 'inserted');
  assert.deepEqual([items[0].json.firstName, items[0].json.company], ['Ana', 'Corvid']);
  assert.equal(outcomes[1].outcome, 'rejected');
  assert.match(String(outcomes[1].reason), /^line_break: lastName/);
});
