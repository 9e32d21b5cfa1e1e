/**
 * Every tool through the official MCP Inspector's CLI, over stdio (the Inspector starts `leadflow mcp` itself, as
 * Claude Desktop or Cursor do) and over Streamable HTTP: it lists the tools, calls each, and validates each result
 * against the tool's declared output schema. One walk through a campaign's life reaches each result shape the tools
 * have — the dry run and the live preview and confirmation of send_outreach, a reply's intent and an out-of-office
 * auto_reply of record_event, a finished and a stopped run — and the errors, which carry no structuredContent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startMcpHttp, MCP_TEST_TOKEN, TOOL_NAMES } from './support/mcpClient';
import { CLI } from './support/cli';
import { LIVE_TEST_DOMAIN, COMPLIANCE } from './support/liveLeads';
import { tempStorePath } from './support/tmp';
import { inspector } from './support/inspector';

const CAMPAIGN = 'payroll-restaurants';
const spec = () => parseYaml(readFileSync(join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml'), 'utf8')) as Record<string, unknown>;

/** Live settings whose SMTP server is not there (port 9 on loopback): a preview needs no server, a confirmed send fails to connect and waits to retry. */
const ENV = {
  SMTP_HOST: '127.0.0.1', SMTP_PORT: '9', SMTP_FROM_EMAIL: 'maria@tillpoint-mail.test',
  LEADFLOW_SECRET: COMPLIANCE.secret, LEADFLOW_UNSUBSCRIBE_URL: COMPLIANCE.unsubscribeBaseUrl, SENDER_POSTAL_ADDRESS: COMPLIANCE.postalAddress,
  RATE_LIMIT_PER_MINUTE: '0', DAILY_SEND_CAP: '0',
};

interface Answer {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text?: string }[];
}

type Caller = (tool: string, args?: Record<string, unknown>) => Promise<Answer>;

/** `--tool-arg key=value` for each argument; objects and arrays as JSON, which the Inspector parses back. */
const toolArgs = (args: Record<string, unknown>) =>
  Object.entries(args).flatMap(([k, v]) => ['--tool-arg', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`]);

/** A caller through the Inspector: `target` is the server part of its command line (stdio command, or URL and transport). */
function caller(target: string[], seen: Set<string>): { call: Caller; list: () => Promise<string[]> } {
  const run = async (method: string[]) => {
    const r = await inspector([...target, ...method]);
    // The Inspector prints the result (pretty JSON); for a tool's error result it exits 5 and adds its own line.
    const result = JSON.parse(r.out.slice(0, r.out.indexOf('\n}\n') + 2)) as { isError?: boolean };
    assert.equal(r.code, result.isError ? 5 : 0, r.all.slice(0, 3000));
    return result;
  };
  return {
    list: async () => ((await run(['--method', 'tools/list'])) as { tools: { name: string; outputSchema?: unknown }[] }).tools.map((t) => {
      assert.ok(t.outputSchema, `${t.name} declares an output schema`);
      return t.name;
    }),
    call: async (tool, args = {}) => {
      seen.add(tool);
      return (await run(['--method', 'tools/call', '--tool-name', tool, ...toolArgs(args)])) as Answer;
    },
  };
}

const ok = (a: Answer, what: string) => {
  assert.notEqual(a.isError, true, `${what}: ${a.content.map((c) => c.text).join('\n')}`);
  assert.ok(a.structuredContent, `${what} has structured content`);
  return a.structuredContent;
};
const failed = (a: Answer, what: string) => {
  assert.equal(a.isError, true, `${what} should fail`);
  assert.equal(a.structuredContent, undefined, `${what}: an error carries no structuredContent`);
  return a.content.map((c) => c.text).join('\n');
};

/** A campaign's life through every tool, each result checked against its schema by the Inspector on the way. */
async function walk(call: Caller): Promise<void> {
  ok(await call('get_status'), 'get_status on an empty store');
  ok(await call('generate_leads', { count: 3, seed: 1 }), 'generate_leads');
  const created = ok(await call('create_campaign', { campaign: spec() }), 'create_campaign') as { created: boolean };
  assert.equal(created.created, true);
  ok(await call('update_campaign', { campaign: { ...spec(), description: 'Payroll, Q1 push (updated).' } }), 'update_campaign');
  failed(await call('create_campaign', { campaign: { ...spec(), sequence: [{ email: [{ subject: 'x', body: 'Hi {{ frist_name }}' }] }] } }), 'a campaign with a misspelt variable');
  const imported = ok(await call('import_leads', {
    rows: [1, 2].map((i) => ({ email: `p${i}@${LIVE_TEST_DOMAIN}`, first_name: `Pat${i}`, company: `Harborview ${i}`, title: 'CFO', website: `https://${LIVE_TEST_DOMAIN}` })),
  }), 'import_leads') as { ids: number[] };
  ok(await call('add_leads_to_campaign', { campaign: CAMPAIGN, lead_ids: imported.ids }), 'add_leads_to_campaign');
  ok(await call('list_campaigns'), 'list_campaigns');
  ok(await call('enrich_leads'), 'enrich_leads');
  ok(await call('preview_campaign', { campaign: CAMPAIGN }), 'preview_campaign');
  ok(await call('simulate_campaign', { campaign: CAMPAIGN, days: 2 }), 'simulate_campaign');
  ok(await call('set_campaign_state', { campaign: CAMPAIGN, action: 'activate' }), 'set_campaign_state');
  ok(await call('generate_messages', { channels: ['email'] }), 'generate_messages');
  const dry = ok(await call('send_outreach', { campaign: 'demo' }), 'send_outreach, dry run') as { tally: { simulated: number; sent: number } };
  assert.deepEqual([dry.tally.simulated, dry.tally.sent], [3, 0]);
  const preview = ok(await call('send_outreach', { dry_run: false, campaign: CAMPAIGN }), 'send_outreach, live preview') as { confirm_token: string };
  const confirmed = ok(await call('send_outreach', { dry_run: false, campaign: CAMPAIGN, confirm_token: preview.confirm_token }), 'send_outreach, confirmed') as { step: string };
  assert.equal(confirmed.step, 'sent');
  const reply = ok(await call('record_event', { type: 'reply', email: `p1@${LIVE_TEST_DOMAIN}`, raw: `From: p1@${LIVE_TEST_DOMAIN}\nSubject: Re: payroll\n\nSounds interesting — Tuesday at 10?` }), 'record_event, reply') as { intent?: string };
  assert.equal(reply.intent, 'interested');
  const ooo = ok(await call('record_event', {
    type: 'reply', email: `p2@${LIVE_TEST_DOMAIN}`,
    raw: `From: p2@${LIVE_TEST_DOMAIN}\nSubject: Automatic reply: Out of office\nAuto-Submitted: auto-replied\n\nI am out of the office until 14 December.`,
  }), 'record_event, out of office') as { type: string };
  assert.equal(ooo.type, 'auto_reply');
  failed(await call('record_event', { type: 'reply' }), 'record_event naming no lead');
  ok(await call('list_leads', { status: 'REPLIED' }), 'list_leads');
  ok(await call('get_lead', { id: imported.ids[0] }), 'get_lead');
  failed(await call('get_lead', { id: 99999 }), 'get_lead of no lead');
  ok(await call('get_metrics'), 'get_metrics');
  ok(await call('get_metrics', { campaign: CAMPAIGN }), 'get_metrics of a campaign');
  ok(await call('run_pipeline', { leads: 5, seed: 3, channels: ['email'], wait_seconds: 30 }), 'run_pipeline');
  ok(await call('stop_pipeline'), 'stop_pipeline with nothing running');
  ok(await call('get_status'), 'get_status');
}

test('the Inspector over stdio: every tool, every result shape, validated against its output schema', async (t) => {
  const db = tempStorePath(t);
  const env = Object.entries({ ...ENV, NODE_OPTIONS: '--import=tsx', LEADFLOW_DB: db }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const seen = new Set<string>();
  const { call, list } = caller([...env, process.execPath, CLI, 'mcp'], seen);
  assert.deepEqual((await list()).sort(), [...TOOL_NAMES]);
  await walk(call);
  assert.deepEqual([...seen].sort(), [...TOOL_NAMES], 'every tool was called');
});

test('the Inspector over Streamable HTTP: every tool, every result shape, validated against its output schema', async (t) => {
  const server = await startMcpHttp(t, tempStorePath(t), ENV);
  const seen = new Set<string>();
  const { call, list } = caller([server.url, '--transport', 'http', '--header', `Authorization: Bearer ${MCP_TEST_TOKEN}`], seen);
  assert.deepEqual((await list()).sort(), [...TOOL_NAMES]);
  await walk(call);
  assert.deepEqual([...seen].sort(), [...TOOL_NAMES], 'every tool was called');
});
