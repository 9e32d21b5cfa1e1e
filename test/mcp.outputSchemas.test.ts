/**
 * A real MCP client lists the tools first and then validates every result against the tool's declared output schema
 * (the SDK's Client does; so do Claude Desktop, Cursor and n8n's MCP Client Tool). These calls go through such a
 * client, so a result its schema does not declare is a failed call here, as it is for users.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mcpOverStdio } from './support/mcpClient';
import { tempStorePath } from './support/tmp';

const OUT_OF_OFFICE = [
  'From: Dana Ruiz <dana.ruiz@brightforge.io>',
  'To: alex@leadflow-sender.io',
  'Subject: Automatic reply: quick question',
  'Auto-Submitted: auto-replied',
  'Message-ID: <ooo-1@brightforge.io>',
  'Date: Thu, 03 Dec 2026 09:00:00 +0000',
  '',
  'I am out of the office until Monday 14 December 2026 with limited access to email.',
  '',
].join('\r\n');

test('get_metrics answers within its declared output schema, on an empty store and after a run', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  await mcp.client.listTools();
  const empty = await mcp.call('get_metrics');
  assert.notEqual(empty.isError, true, JSON.stringify(empty.content));
  await mcp.ok('generate_leads', { count: 5, seed: 3 });
  await mcp.ok('enrich_leads', {});
  await mcp.ok('generate_messages', { channels: ['email'] });
  await mcp.ok('send_outreach', {});
  const after = await mcp.call('get_metrics');
  assert.notEqual(after.isError, true, JSON.stringify(after.content));
  const m = after.structuredContent as { funnel: { stage: string; leads: number }[]; abTest: { steps: unknown[] } };
  assert.equal(m.funnel.find((f) => f.stage === 'messaged')?.leads, 5);
  assert.ok(Array.isArray(m.abTest.steps));
});

test('record_event with an out-of-office reply answers within its declared output schema', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  await mcp.client.listTools();
  await mcp.ok('import_leads', { rows: [{ email: 'dana.ruiz@brightforge.io', firstName: 'Dana', lastName: 'Ruiz', title: 'CTO', company: 'Brightforge', website: 'https://brightforge.io', country: 'Germany' }] });
  const r = await mcp.call('record_event', { type: 'reply', raw: OUT_OF_OFFICE });
  assert.notEqual(r.isError, true, JSON.stringify(r.content));
  assert.equal((r.structuredContent as { type: string }).type, 'auto_reply');
});

test('the campaign tools answer within their declared output schemas at their edges: the demo, a repeated state, only unknown ids, rows with no CSV format', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  await mcp.client.listTools();
  const answers: Record<string, unknown> = {
    list: await mcp.call('list_campaigns'),
    demoPreview: await mcp.call('preview_campaign', { campaign: 'demo' }),
    demoAgain: await mcp.call('set_campaign_state', { campaign: 'demo', action: 'activate' }),
    unknownLeads: await mcp.call('add_leads_to_campaign', { campaign: 'demo', lead_ids: [41, 42] }),
    rows: await mcp.call('import_leads', { rows: [{ email: 'dana.ruiz@brightforge.io', firstName: 'Dana', company: 'Brightforge' }], campaign: 'demo' }),
    nothingToWrite: await mcp.call('generate_messages', { campaign: 'demo' }),
    nothingToSend: await mcp.call('send_outreach', { campaign: 'demo' }),
  };
  for (const [what, r] of Object.entries(answers)) assert.notEqual((r as { isError?: boolean }).isError, true, `${what}: ${JSON.stringify(r)}`);
  const sc = (k: string) => (answers[k] as { structuredContent: Record<string, unknown> }).structuredContent;
  assert.deepEqual(sc('demoAgain').previous, 'active');
  assert.deepEqual(sc('unknownLeads').unknown, [41, 42]);
  assert.equal(sc('rows').campaign, 'demo');
  assert.equal(sc('nothingToSend').campaign, 'demo');
});
