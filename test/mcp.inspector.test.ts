/**
 * The official MCP Inspector (its CLI, as a user or CI would run it) against `leadflow mcp --http`: it lists the tools
 * and validates each result against the tool's output schema. With the LEADFLOW_TOKEN as a bearer header it works;
 * without it, or with a wrong one, the server lets it do nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMcpHttp, MCP_TEST_TOKEN } from './support/mcpClient';
import { tempStorePath } from './support/tmp';
import { inspector } from './support/inspector';

/** The Inspector over Streamable HTTP at `url`. */
const overHttp = (url: string, args: string[]) => inspector([url, '--transport', 'http', ...args]);

const bearer = (token: string) => ['--header', `Authorization: Bearer ${token}`];

test('with the token the Inspector lists every tool, and get_status, get_metrics, list_campaigns and preview_campaign pass their output schemas', async (t) => {
  const server = await startMcpHttp(t, tempStorePath(t));
  const list = await overHttp(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/list']);
  assert.equal(list.code, 0, list.all);
  const names = (JSON.parse(list.out) as { tools: { name: string }[] }).tools.map((x) => x.name);
  for (const tool of ['generate_leads', 'send_outreach', 'get_status', 'record_event', 'create_campaign', 'update_campaign', 'list_campaigns', 'preview_campaign', 'set_campaign_state', 'add_leads_to_campaign']) {
    assert.ok(names.includes(tool), tool);
  }

  const status = await overHttp(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/call', '--tool-name', 'get_status']);
  assert.equal(status.code, 0, status.all);
  const result = JSON.parse(status.out) as { isError?: boolean; structuredContent: { leads: { total: number } } };
  assert.notEqual(result.isError, true);
  assert.equal(result.structuredContent.leads.total, 0);

  const metrics = await overHttp(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/call', '--tool-name', 'get_metrics']);
  assert.equal(metrics.code, 0, metrics.all);
  assert.notEqual((JSON.parse(metrics.out) as { isError?: boolean }).isError, true, metrics.out);

  const campaigns = await overHttp(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/call', '--tool-name', 'list_campaigns']);
  assert.equal(campaigns.code, 0, campaigns.all);
  const listed = JSON.parse(campaigns.out) as { isError?: boolean; structuredContent: { campaigns: { name: string; state: string }[] } };
  assert.notEqual(listed.isError, true, campaigns.out);
  assert.deepEqual(listed.structuredContent.campaigns.map((c) => [c.name, c.state]), [['demo', 'active']]);

  const demo = await overHttp(server.url, [...bearer(MCP_TEST_TOKEN), '--method', 'tools/call', '--tool-name', 'preview_campaign', '--tool-arg', 'campaign=demo']);
  assert.equal(demo.code, 0, demo.all);
  const preview = JSON.parse(demo.out) as { isError?: boolean; structuredContent: { campaign: { builtin: boolean }; samples: unknown[] } };
  assert.notEqual(preview.isError, true, demo.out);
  assert.deepEqual([preview.structuredContent.campaign.builtin, preview.structuredContent.samples], [true, []]);
});

test('without the token, or with a wrong one, the Inspector gets nothing from the server', async (t) => {
  const server = await startMcpHttp(t, tempStorePath(t));
  for (const args of [[], bearer('a-wrong-token-0123456789')]) {
    const r = await overHttp(server.url, [...args, '--method', 'tools/list']);
    assert.notEqual(r.code, 0, r.all);
    assert.doesNotMatch(r.all, /generate_leads/);
    assert.match(r.all, /auth_required|401|Unauthorized/i);
  }
});
