/**
 * The official MCP Inspector (its CLI, as a user or CI would run it) against `leadflow mcp --http`: it lists the tools
 * and validates each result against the tool's output schema. With the LEADFLOW_TOKEN as a bearer header it works;
 * without it, or with a wrong one, the server lets it do nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startMcpHttp, MCP_TEST_TOKEN } from './support/mcpClient';
import { tempStorePath } from './support/tmp';

/** The Inspector's CLI from the cache `.ci/setup.d/40-inspector.sh` fills (installed here on first use otherwise). */
const INSPECTOR = execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'inspectorCache.mjs')], { encoding: 'utf8' }).trim().split('\n').pop()!;

/** Runs the Inspector's CLI; `out` is its JSON answer (stdout), `all` that and whatever it logged. */
async function inspector(url: string, args: string[]): Promise<{ code: number; out: string; all: string }> {
  const child = spawn(process.execPath, [INSPECTOR, '--cli', url, '--transport', 'http', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, out, all: out + err };
}

const bearer = (token: string) => ['--header', `Authorization: Bearer ${token}`];

test('with the token the Inspector lists every tool, and get_status, get_metrics, list_campaigns and preview_campaign pass their output schemas', async (t) => {
  const server = await startMcpHttp(t, tempStorePath(t));
  const list = await inspector(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/list']);
  assert.equal(list.code, 0, list.all);
  const names = (JSON.parse(list.out) as { tools: { name: string }[] }).tools.map((x) => x.name);
  for (const tool of ['generate_leads', 'send_outreach', 'get_status', 'record_event', 'create_campaign', 'update_campaign', 'list_campaigns', 'preview_campaign', 'set_campaign_state', 'add_leads_to_campaign']) {
    assert.ok(names.includes(tool), tool);
  }

  const status = await inspector(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/call', '--tool-name', 'get_status']);
  assert.equal(status.code, 0, status.all);
  const result = JSON.parse(status.out) as { isError?: boolean; structuredContent: { leads: { total: number } } };
  assert.notEqual(result.isError, true);
  assert.equal(result.structuredContent.leads.total, 0);

  const metrics = await inspector(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/call', '--tool-name', 'get_metrics']);
  assert.equal(metrics.code, 0, metrics.all);
  assert.notEqual((JSON.parse(metrics.out) as { isError?: boolean }).isError, true, metrics.out);

  const campaigns = await inspector(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/call', '--tool-name', 'list_campaigns']);
  assert.equal(campaigns.code, 0, campaigns.all);
  const listed = JSON.parse(campaigns.out) as { isError?: boolean; structuredContent: { campaigns: { name: string; state: string }[] } };
  assert.notEqual(listed.isError, true, campaigns.out);
  assert.deepEqual(listed.structuredContent.campaigns.map((c) => [c.name, c.state]), [['demo', 'active']]);

  const demo = await inspector(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/call', '--tool-name', 'preview_campaign', '--tool-arg', 'campaign=demo']);
  assert.equal(demo.code, 0, demo.all);
  const preview = JSON.parse(demo.out) as { isError?: boolean; structuredContent: { campaign: { builtin: boolean }; samples: unknown[] } };
  assert.notEqual(preview.isError, true, demo.out);
  assert.deepEqual([preview.structuredContent.campaign.builtin, preview.structuredContent.samples], [true, []]);
});

test('without the token, or with a wrong one, the Inspector gets nothing from the server', async (t) => {
  const server = await startMcpHttp(t, tempStorePath(t));
  for (const args of [[], bearer('a-wrong-token-0123456789')]) {
    const r = await inspector(server.url, [...args, '--method', 'tools/list']);
    assert.notEqual(r.code, 0, r.all);
    assert.doesNotMatch(r.all, /generate_leads/);
    assert.match(r.all, /auth_required|401|Unauthorized/i);
  }
});
