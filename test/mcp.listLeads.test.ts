/**
 * MCP `list_leads` through a real client that lists the tools first, so every result below is checked against the
 * tool's declared output schema: a search by name, email or company, a capped total said as such, and pages by
 * `after_id` equal to pages by number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEARCH_COUNT_CAP } from '../lib/store/leadSearch';
import { mcpOverStdio } from './support/mcpClient';
import { tempStorePath } from './support/tmp';

interface Listed {
  total: number;
  totalIsLowerBound: boolean;
  page: number | null;
  pages: number;
  nextAfterId: number | null;
  leads: { id: number; email: string }[];
}

const csv = (rows: string[]) => 'email,first_name,last_name,company,title\n' + rows.join('\n');

test('list_leads finds by name, email and company, ignoring case and accents; query syntax is text', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  await mcp.ok('import_leads', {
    csv: csv([
      'jose.muller@bravo.example,José,Müller,Bravo Logistics,Head of Finance',
      'ines@cafe-lumiere.example,Inès,Duval,Café Lumière,CFO',
      'li@acme.example,Li,Wei,Acme Works,CTO',
    ]),
  });
  const found = async (search: string) => (await mcp.ok<Listed>('list_leads', { search })).leads.map((l) => l.email);
  assert.deepEqual(await found('Jose Muller'), ['jose.muller@bravo.example']);
  assert.deepEqual(await found('müller'), ['jose.muller@bravo.example']);
  assert.deepEqual(await found('li@acme.example'), ['li@acme.example']);
  assert.deepEqual(await found('acme'), ['li@acme.example']);
  assert.deepEqual(await found('café'), ['ines@cafe-lumiere.example']);
  assert.deepEqual(await found('cfo ines'), ['ines@cafe-lumiere.example']);
  assert.deepEqual(await found('acme OR bravo'), [], 'OR is a word, and no lead has it');
  assert.deepEqual(await found('"acme*'), ['li@acme.example']);
  const none = await mcp.call('list_leads', { search: 'nobody' });
  assert.equal(none.isError, undefined);
  assert.match(none.content.map((c) => (c.type === 'text' ? c.text : '')).join(''), /no leads match/);
});

test('list_leads says when a total is a lower bound, and after_id pages equal numbered pages to the end', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  const n = SEARCH_COUNT_CAP + 20;
  await mcp.ok('import_leads', { csv: csv(Array.from({ length: n }, (_, i) => `pat${i}@plenty.example,Pat${i},Plenty,${i % 250 ? 'Plenty Co' : 'Rare Co'},Buyer`)) });

  const common = await mcp.ok<Listed>('list_leads', { search: 'plenty', page_size: 5 });
  assert.deepEqual([common.total, common.totalIsLowerBound, common.page], [SEARCH_COUNT_CAP, true, 1]);
  const listed = await mcp.call('list_leads', { search: 'plenty', page_size: 5 });
  assert.match(listed.content.map((c) => (c.type === 'text' ? c.text : '')).join(''), /of 10000\+.*next page: after_id \d+/);

  const size = 11;
  const numbered: number[][] = [];
  for (let page = 1; ; page++) {
    const r = await mcp.ok<Listed>('list_leads', { search: 'rare', page, page_size: size });
    if (r.leads.length === 0) break;
    numbered.push(r.leads.map((l) => l.id));
  }
  assert.equal(numbered.flat().length, Math.ceil(n / 250));
  assert.ok(numbered.length >= 3);
  const byCursor: number[][] = [];
  let after: number | null = null;
  do {
    const r: Listed = await mcp.ok<Listed>('list_leads', { search: 'rare', page_size: size, ...(after === null ? {} : { after_id: after }) });
    if (after !== null) assert.equal(r.page, null, 'a page read by after_id has no number');
    assert.equal(r.totalIsLowerBound, false);
    byCursor.push(r.leads.map((l) => l.id));
    after = r.nextAfterId;
  } while (after !== null);
  assert.deepEqual(byCursor, numbered);

  assert.match(await mcp.error('list_leads', { page: 2, after_id: 5 }), /pass page or after_id, not both/);
  assert.match(await mcp.error('list_leads', { after_id: -1 }), /after_id must be a whole number/);
});
