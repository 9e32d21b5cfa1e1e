/**
 * The MCP server's tools, driven by the SDK's own client over stdio against a real `leadflow mcp` child process,
 * each checked against the SQLite file the test opens itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../lib/store/store';
import { getMetrics } from '../lib/metrics/metrics';
import { mcpOverStdio, TOOL_NAMES } from './support/mcpClient';
import { tempStorePath } from './support/tmp';

type Row = Record<string, unknown>;

function storeAt(t: { after(fn: () => void): void }, path: string): Store {
  const s = openStore(path);
  t.after(() => s.close());
  return s;
}
const count = (s: Store, sql: string, ...p: (string | number)[]) => Number(s.stmt(sql).get(...p)?.n);

const TOOLS = TOOL_NAMES;
const READ_ONLY = ['get_status', 'get_metrics', 'list_leads', 'get_lead', 'list_campaigns', 'preview_campaign', 'simulate_campaign'];

test('the server lists all nineteen tools, each with input and output schemas', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  const { tools } = await mcp.client.listTools();
  assert.deepEqual(tools.map((x) => x.name).sort(), TOOLS);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, 'object', tool.name);
    assert.equal((tool.inputSchema as Row).additionalProperties, false, `${tool.name} refuses unknown arguments`);
    assert.equal(tool.outputSchema?.type, 'object', tool.name);
    assert.ok(tool.description && tool.description.length > 40, `${tool.name} has a description`);
  }
});

test('annotations are honest: reads are read-only, sending is destructive and open-world', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  const { tools } = await mcp.client.listTools();
  const by = Object.fromEntries(tools.map((x) => [x.name, x.annotations!]));
  for (const name of READ_ONLY) {
    assert.equal(by[name].readOnlyHint, true, name);
    assert.equal(by[name].destructiveHint, false, name);
  }
  for (const name of TOOLS.filter((n) => !READ_ONLY.includes(n))) {
    assert.equal(by[name].readOnlyHint, false, `${name} writes to the store`);
  }
  assert.equal(by.send_outreach.destructiveHint, true);
  assert.equal(by.send_outreach.openWorldHint, true);
  assert.equal(by.record_event.destructiveHint, true);
  assert.equal(by.import_leads.idempotentHint, true);
  assert.equal(by.stop_pipeline.idempotentHint, true);
  assert.equal(by.run_pipeline.openWorldHint, false, 'run_pipeline is a dry run');
});

test('generate_leads puts synthetic leads in the store and reports a repeated seed as duplicates', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  const first = await mcp.ok<Row>('generate_leads', { count: 25, seed: 7, industries: ['Finance'] });
  const s = storeAt(t, db);
  assert.equal(first.inserted, 25);
  assert.equal(first.duplicates, 0);
  assert.equal(count(s, "SELECT count(*) AS n FROM leads WHERE status = 'NEW' AND synthetic = 1 AND industry = 'Finance'"), 25);
  assert.equal(count(s, "SELECT count(*) AS n FROM leads WHERE email NOT LIKE '%.example'"), 0);
  const again = await mcp.ok<Row>('generate_leads', { count: 25, seed: 7, industries: ['Finance'] });
  assert.equal(again.inserted, 0);
  assert.equal(again.duplicates, 25);
  assert.equal(count(s, 'SELECT count(*) AS n FROM leads'), 25);
});

test('generate_leads without a seed picks one and reports it, so the run can be repeated', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  const r = await mcp.ok<{ seed: number; ids: { first: number } }>('generate_leads', { count: 3 });
  assert.ok(Number.isInteger(r.seed));
  const s = storeAt(t, db);
  assert.equal(s.stmt('SELECT source FROM leads WHERE id = ?').get(r.ids.first)?.source, `generator:${r.seed}`);
});

test('bad arguments are refused with the field and the reason, and change nothing', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  const cases: [string, Row, RegExp][] = [
    ['generate_leads', { count: 'fifty' }, /count must be a whole number from 1 to 10000 at count/],
    ['generate_leads', { count: 0 }, /count must be a whole number from 1 to 10000/],
    ['generate_leads', { count: 5, industries: ['Mining'] }, /must be one of: Technology, .* at industries\[0\]/],
    ['generate_leads', {}, /at count/],
    ['send_outreach', { dryRun: false }, /unknown argument\(s\) dryRun: this tool takes channel, dry_run, limit, confirm_token/],
    ['send_outreach', { channel: 'fax' }, /must be one of: email, linkedin at channel/],
    ['list_leads', { status: 'WON' }, /must be one of: NEW, ENRICHED, .* at status/],
    ['list_leads', { page_size: 500 }, /page_size must be a whole number from 1 to 100/],
    ['enrich_leads', { mode: 'magic' }, /must be "offline" .* or "ai" .* at mode/],
    ['import_leads', {}, /pass exactly one of csv .* or rows/],
    ['import_leads', { csv: 'email\nx@acme.io', rows: [{ email: 'x@acme.io' }] }, /pass exactly one of csv/],
    ['record_event', { type: 'reply' }, /say which lead: pass lead_id, email, or the raw message/],
    ['record_event', { type: 'click', lead_id: 1 }, /must be one of: reply, bounce, unsubscribe at type/],
    ['run_pipeline', { resume: true, leads: 10 }, /resume takes no other options/],
    ['get_lead', { id: -1 }, /id must be a whole number/],
  ];
  for (const [tool, args, pattern] of cases) {
    const message = await mcp.error(tool, args);
    assert.match(message, pattern, `${tool} ${JSON.stringify(args)}`);
    assert.doesNotMatch(message, /\n\s+at /, 'no stack trace');
  }
  const s = storeAt(t, db);
  assert.equal(count(s, 'SELECT count(*) AS n FROM leads'), 0);
  assert.equal(count(s, 'SELECT count(*) AS n FROM runs'), 0);
});

test('import_leads takes CSV text: bad rows come back with their reason, good rows go in', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  const csv = [
    'email,first_name,last_name,title,company,website',
    'dana.ruiz@brightforge.io,Dana,Ruiz,CTO,Brightforge,https://brightforge.io',
    'not-an-email,Bad,Row,CEO,Nowhere,https://nowhere.io',
    'lee.park@tidewater.co,Lee,Park,VP Sales,Tidewater,https://tidewater.co',
  ].join('\n');
  const r = await mcp.ok<{ rows: number; inserted: number; ids: number[]; rejected: { rowNumber: number; reason: string }[] }>('import_leads', { csv });
  assert.equal(r.rows, 3);
  assert.equal(r.inserted, 2);
  assert.equal(r.rejected.length, 1);
  assert.equal(r.rejected[0].rowNumber, 2);
  assert.match(r.rejected[0].reason, /email/);
  const s = storeAt(t, db);
  const rows = s.stmt('SELECT id, email, synthetic, source FROM leads ORDER BY id').all();
  assert.deepEqual(rows.map((x) => x.id), r.ids);
  assert.deepEqual(rows.map((x) => x.email), ['dana.ruiz@brightforge.io', 'lee.park@tidewater.co']);
  assert.ok(rows.every((x) => x.synthetic === 0 && x.source === 'mcp'));
});

test('import_leads takes objects, and importing them again adds nothing', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  const rows = [{ email: 'ana@corvid.dev', firstName: 'Ana', lastName: 'Silva', title: 'Head of Data', company: 'Corvid', website: 'https://corvid.dev' }];
  const first = await mcp.ok<{ inserted: number }>('import_leads', { rows, source: 'crm' });
  const second = await mcp.ok<{ inserted: number; rejected: { reason: string }[] }>('import_leads', { rows, source: 'crm' });
  assert.equal(first.inserted, 1);
  assert.equal(second.inserted, 0);
  assert.match(second.rejected[0].reason, /duplicate/);
  const s = storeAt(t, db);
  assert.equal(s.stmt('SELECT source FROM leads').get()?.source, 'crm');
});

test('enrich → messages → dry-run send moves leads through the stages and records sends without mailing', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  await mcp.ok('generate_leads', { count: 12, seed: 3 });
  const e = await mcp.ok<Row>('enrich_leads', { limit: 5 });
  assert.deepEqual(e, { mode: 'offline', enriched: 5, remainingNew: 7 });
  await mcp.ok('enrich_leads', {});
  const s = storeAt(t, db);
  assert.equal(count(s, "SELECT count(*) AS n FROM leads WHERE status = 'ENRICHED'"), 12);
  assert.equal(count(s, 'SELECT count(*) AS n FROM enrichments'), 12);

  const m = await mcp.ok<{ messaged: number; messages: number; drafts: { leadId: number; channel: string; variant: string; body: string }[] }>(
    'generate_messages',
    { channels: ['email'] },
  );
  assert.equal(m.messaged, 12);
  assert.equal(m.messages, count(s, 'SELECT count(*) AS n FROM messages'));
  assert.equal(count(s, "SELECT count(*) AS n FROM messages WHERE channel <> 'email'"), 0);
  assert.equal(m.drafts.length, 3);
  for (const d of m.drafts) {
    const stored = s.stmt('SELECT m.body FROM messages m JOIN leads l ON l.id = m.lead_id WHERE m.lead_id = ? AND m.channel = ? AND m.variant = l.variant').get(d.leadId, d.channel);
    assert.equal(stored?.body, d.body, 'a sample draft is the stored message in the lead’s own variant');
  }

  const sent = await mcp.ok<{ dryRun: boolean; step: string; tally: { leads: number; sent: number; simulated: number } }>('send_outreach', {});
  assert.equal(sent.dryRun, true);
  assert.equal(sent.step, 'dry_run');
  assert.deepEqual([sent.tally.simulated, sent.tally.sent], [12, 0], 'simulated, and nothing called sent');
  assert.equal(count(s, "SELECT count(*) AS n FROM sends WHERE dry_run = 1 AND state = 'SENT'"), 12);
  assert.equal(count(s, 'SELECT count(*) AS n FROM sends WHERE dry_run = 0'), 0, 'no live ledger row');
  assert.equal(count(s, "SELECT count(*) AS n FROM leads WHERE status = 'MESSAGED'"), 12, 'the leads stay MESSAGED: nothing reached them');
});

test('list_leads pages and filters the way the store does', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  await mcp.ok('generate_leads', { count: 30, seed: 11 });
  await mcp.ok('enrich_leads', { limit: 8 });
  const page2 = await mcp.ok<{ total: number; pages: number; leads: { id: number }[] }>('list_leads', { page: 2, page_size: 10 });
  const s = storeAt(t, db);
  assert.equal(page2.total, 30);
  assert.equal(page2.pages, 3);
  assert.deepEqual(page2.leads.map((l) => l.id), s.stmt('SELECT id FROM leads ORDER BY id LIMIT 10 OFFSET 10').all().map((r) => r.id));
  const enriched = await mcp.ok<{ total: number; leads: { status: string }[] }>('list_leads', { status: 'ENRICHED' });
  assert.equal(enriched.total, 8);
  assert.ok(enriched.leads.every((l) => l.status === 'ENRICHED'));
  const company = s.stmt('SELECT company FROM leads WHERE id = 17').get()?.company as string;
  const found = await mcp.ok<{ leads: { company: string }[] }>('list_leads', { search: company.toLowerCase() });
  assert.ok(found.leads.length >= 1);
  assert.ok(found.leads.every((l) => l.company === company));
});

test('get_lead returns the lead with its enrichment, messages and sends; an unknown id says how to find one', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  await mcp.ok('generate_leads', { count: 2, seed: 5 });
  await mcp.ok('enrich_leads', {});
  await mcp.ok('generate_messages', {});
  await mcp.ok('send_outreach', { channel: 'email' });
  const d = await mcp.ok<{ lead: Row; enrichment: Row; messages: Row[]; sends: Row[] }>('get_lead', { id: 2 });
  const s = storeAt(t, db);
  assert.equal(d.lead.email, s.stmt('SELECT email FROM leads WHERE id = 2').get()?.email);
  assert.equal(d.enrichment.persona, s.stmt('SELECT persona FROM enrichments WHERE lead_id = 2').get()?.persona);
  assert.equal(d.messages.length, count(s, 'SELECT count(*) AS n FROM messages WHERE lead_id = 2'));
  assert.equal(d.sends.length, 1);
  assert.equal(d.sends[0].dryRun, true);
  assert.equal(d.sends[0].state, 'SIMULATED', 'a dry run\'s record never reads SENT');
  assert.match(await mcp.error('get_lead', { id: 999 }), /no lead with id 999: use list_leads/);
});

test('get_metrics is the same snapshot lib computes from the file', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  await mcp.ok('generate_leads', { count: 10, seed: 2 });
  await mcp.ok('enrich_leads', { limit: 4 });
  const m = await mcp.ok<Row & { funnel: unknown; leads: unknown; sends: unknown }>('get_metrics');
  const s = storeAt(t, db);
  const local = await getMetrics(s);
  assert.deepEqual(m.funnel, local.funnel);
  assert.deepEqual(m.leads, local.leads);
  assert.deepEqual(m.sends, local.sends);
});

test('get_status counts leads, says live email is not configured, and suggests the next call', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, { SMTP_HOST: '' });
  await mcp.ok('generate_leads', { count: 6, seed: 4 });
  await mcp.ok('enrich_leads', { limit: 2 });
  const st = await mcp.ok<{ store: string; leads: { total: number; byStatus: Row }; liveSending: { ready: boolean; detail: string }; next: string[] }>('get_status');
  assert.equal(st.store, db);
  assert.equal(st.leads.total, 6);
  assert.equal(st.leads.byStatus.NEW, 4);
  assert.equal(st.leads.byStatus.ENRICHED, 2);
  assert.equal(st.liveSending.ready, false);
  assert.match(st.liveSending.detail, /SMTP_HOST is not set/);
  assert.ok(st.next.some((n) => /4 NEW lead\(s\): enrich_leads/.test(n)));
  assert.ok(st.next.some((n) => /2 ENRICHED lead\(s\): generate_messages/.test(n)));
});

test('record_event: a reply marks the lead REPLIED, an unsubscribe suppresses the address', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, { LEADFLOW_SECRET: 'a-test-secret-of-32-characters!!' });
  await mcp.ok('generate_leads', { count: 3, seed: 6 });
  const reply = await mcp.ok<{ leadId: number; type: string; lead: { status: string } }>('record_event', { type: 'reply', lead_id: 1, detail: { note: 'interested' } });
  assert.equal(reply.lead.status, 'REPLIED');
  const s = storeAt(t, db);
  assert.equal(s.stmt('SELECT status FROM leads WHERE id = 1').get()?.status, 'REPLIED');
  assert.equal(count(s, "SELECT count(*) AS n FROM events WHERE lead_id = 1 AND type = 'reply'"), 1);

  const email = s.stmt('SELECT email FROM leads WHERE id = 2').get()?.email as string;
  const unsub = await mcp.ok<{ leadId: number; effect: string }>('record_event', { type: 'unsubscribe', email });
  assert.equal(unsub.leadId, 2);
  assert.equal(count(s, "SELECT count(*) AS n FROM suppressions WHERE kind = 'email' AND value = ?", email), 1);
  assert.match(await mcp.error('record_event', { type: 'reply', email: 'nobody@nowhere.io' }), /no lead with email nobody@nowhere\.io/);
});

test('a lead is readable as a resource, and the metrics snapshot too', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  await mcp.ok('generate_leads', { count: 2, seed: 9 });
  const lead = await mcp.client.readResource({ uri: 'leadflow://leads/2' });
  const doc = JSON.parse((lead.contents[0] as { text: string }).text);
  const s = storeAt(t, db);
  assert.equal(doc.lead.email, s.stmt('SELECT email FROM leads WHERE id = 2').get()?.email);
  const listed = await mcp.client.listResources();
  assert.ok(listed.resources.some((r) => r.uri === 'leadflow://leads/1'));
  for (const id of ['0x1', '1e0', '01', '+1']) {
    await assert.rejects(mcp.client.readResource({ uri: `leadflow://leads/${id}` }), /there is no lead/, `${id} is not read as lead 1`);
  }
  const metrics = JSON.parse(((await mcp.client.readResource({ uri: 'leadflow://metrics' })).contents[0] as { text: string }).text);
  assert.equal(metrics.leads.total, 2);
});
