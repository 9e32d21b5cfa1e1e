/**
 * Campaigns over MCP, the way an agent meets them: the SDK's client on a real `leadflow mcp` child process lists the
 * tools first, so every result below was also validated against its tool's declared output schema. The campaign is
 * the payroll one (test/fixtures/campaigns), sent as the object an agent would build from the file.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { openStore } from '../lib/store/store';
import { mcpOverStdio, type McpSession } from './support/mcpClient';
import { startSmtpSink } from './support/mcpSmtp';
import { LIVE_TEST_DOMAIN } from './support/liveLeads';
import { tempDir, tempStorePath } from './support/tmp';

const FIXTURES = join(__dirname, 'fixtures/campaigns');
const CAMPAIGN = 'payroll-restaurants';
/** The campaign as an agent sends it: the file parsed to a plain object, nothing of the lib applied. */
const payroll = () => parseYaml(readFileSync(join(FIXTURES, 'payroll-restaurants.yaml'), 'utf8')) as CampaignArg;
/** Five prospects as a CRM exports them; one has no first name, and "Number of Sites" is a column no lead field reads. */
const PROSPECTS = readFileSync(join(FIXTURES, 'restaurant-prospects.csv'), 'utf8');

type CampaignArg = { name: string; offer: { product: string }; sequence: { email: { subject?: string; body?: string }[] }[] };
type Row = Record<string, unknown>;
type Campaign = { name: string; state: string; leads: number; byStatus: Record<string, number>; product: string };
type Sample = { step: number; channel: string; variant: string; leadId: number | null; subject: string | null; body: string; writtenBy: string; problems: string[] };

async function agent(t: TestContext, db = tempStorePath(t)): Promise<McpSession> {
  const mcp = await mcpOverStdio(t, db);
  await mcp.client.listTools(); // as real clients do: from here on the client checks each result against its schema
  return mcp;
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** A call that must fail the way the MCP spec asks: isError, a message for the model, no structuredContent. */
async function refused(mcp: McpSession, tool: string, args: Row): Promise<string> {
  const r = await mcp.call(tool, args);
  assert.equal(r.isError, true, `${tool} should have failed: ${JSON.stringify(r.structuredContent)}`);
  assert.equal(r.structuredContent, undefined, `${tool}'s error carries no structuredContent`);
  return text(r);
}

const withFirstBody = (spec: CampaignArg, body: string): CampaignArg => {
  const copy = structuredClone(spec);
  copy.sequence[0].email[0].body = body;
  return copy;
};

test('an agent creates the payroll campaign, imports its leads into it, previews, activates, writes and dry-runs it, and reads its metrics', async (t) => {
  const db = tempStorePath(t);
  const mcp = await agent(t, db);
  // Demo leads in the same store: nothing below may touch them.
  await mcp.ok('generate_leads', { count: 3, seed: 11 });

  const created = await mcp.ok<{ campaign: Campaign; created: boolean; warnings: { where: string; message: string }[] }>('create_campaign', { campaign: payroll() });
  assert.equal(created.created, true);
  assert.deepEqual([created.campaign.name, created.campaign.state, created.campaign.product, created.campaign.leads], [CAMPAIGN, 'draft', 'Tillpoint Payroll', 0]);
  assert.ok(created.warnings.some((w) => /"Number of Sites"/.test(w.message)), 'the custom column no lead has yet is a warning, not an error');

  const imported = await mcp.ok<{ inserted: number; ids: number[]; attributes: string[]; campaign: string }>('import_leads', { csv: PROSPECTS, campaign: CAMPAIGN });
  assert.deepEqual([imported.inserted, imported.campaign, imported.attributes], [5, CAMPAIGN, ['Number of Sites']]);
  await mcp.ok('enrich_leads', {});

  const store = openStore(db);
  t.after(() => store.close());
  const messages = () => Number(store.stmt('SELECT count(*) AS n FROM messages').get()?.n);

  const preview = await mcp.ok<{ campaign: { state: string }; leadsShown: number; samples: Sample[] }>('preview_campaign', { campaign: CAMPAIGN });
  assert.equal(preview.leadsShown, 2);
  assert.deepEqual(
    preview.samples.filter((s) => s.leadId === imported.ids[0]).map((s) => [s.step, s.channel, s.variant, s.writtenBy]),
    [[1, 'email', 'A', 'template'], [1, 'email', 'B', 'fallback'], [2, 'email', 'A', 'template']],
  );
  const dana = preview.samples.find((s) => s.leadId === imported.ids[0] && s.step === 1 && s.variant === 'A')!;
  assert.match(dana.body, /^(Hi|Hello) Dana,\n\nRunning payroll for 12 sites usually means /, 'the custom column fills its variable');
  assert.match(dana.body, /Best,\nMaria Chen\nAccount Executive, Tillpoint/);
  assert.ok(preview.samples.every((s) => s.problems.length === 0), JSON.stringify(preview.samples.map((s) => s.problems)));
  assert.equal(messages(), 0, 'a preview writes nothing');

  // The next days of sending, simulated by the sending code on a copy of the store: nothing is written or sent.
  const simulated = await mcp.ok<{ days: { sends: { email: string; step: number; local: string }[] }[]; stillQueued: number }>('simulate_campaign', { campaign: CAMPAIGN, days: 5 });
  // These prospects are on reserved (.example) domains: the live sender never mails them, so neither does the simulation.
  assert.deepEqual(simulated.days.flatMap((d) => d.sends), []);
  assert.equal(messages(), 0, 'a simulation writes nothing');

  const active = await mcp.ok<{ campaign: Campaign; previous: string }>('set_campaign_state', { campaign: CAMPAIGN, action: 'activate' });
  assert.deepEqual([active.previous, active.campaign.state], ['draft', 'active']);

  const written = await mcp.ok<{ messaged: number; campaign: string; remainingEnriched: number; drafts: { body: string }[] }>('generate_messages', { channels: ['email'], campaign: CAMPAIGN });
  assert.deepEqual([written.messaged, written.campaign, written.remainingEnriched], [5, CAMPAIGN, 0]);
  for (const d of written.drafts) {
    assert.match(d.body, /Tillpoint Payroll/);
    assert.doesNotMatch(d.body, /workflow automation|Alex from Leadflow/);
  }

  const sent = await mcp.ok<{ dryRun: boolean; campaign: string; tally: { sent: number; simulated: number } }>('send_outreach', { campaign: CAMPAIGN });
  assert.deepEqual([sent.dryRun, sent.campaign, sent.tally.simulated, sent.tally.sent], [true, CAMPAIGN, 5, 0]);

  const metrics = await mcp.ok<{ campaign: { name: string; product: string }; funnel: { stage: string; leads: number }[]; simulated: { leads: number }; abTest: { steps: { step: number }[] } }>('get_metrics', { campaign: CAMPAIGN });
  assert.deepEqual([metrics.campaign.name, metrics.campaign.product], [CAMPAIGN, 'Tillpoint Payroll']);
  assert.deepEqual(metrics.funnel.map((f) => f.leads), [5, 5, 5, 0, 0], 'sent counts mail that left: none in a dry run');
  assert.equal(metrics.simulated.leads, 5);
  assert.deepEqual(metrics.abTest.steps.map((s) => s.step), [1]);

  const { campaigns } = await mcp.ok<{ campaigns: Campaign[] }>('list_campaigns');
  assert.deepEqual(campaigns.map((c) => [c.name, c.state, c.leads, c.byStatus.MESSAGED ?? 0]), [['demo', 'active', 3, 0], [CAMPAIGN, 'active', 5, 5]], 'dry-run leads stay MESSAGED');
});

test('a {{frist_name}} template is refused naming it and the variable it meant, and nothing is saved; so is a misspelt field, by its path', async (t) => {
  const mcp = await agent(t);
  const typo = withFirstBody(payroll(), 'Hi {{frist_name}},\n\nA question about payroll at {{ company }}. Open to a 15-minute call next week?');
  const message = await refused(mcp, 'create_campaign', { campaign: typo });
  assert.match(message, /^create_campaign failed: campaign "payroll-restaurants" was not saved; fix its templates:/);
  assert.match(message, /step 1 · email · variant A · body: unknown variable \{\{ frist_name \}\}: did you mean \{\{ firstName \}\}\?/);

  const misspelt = payroll() as CampaignArg & { sender: Row };
  misspelt.sender = { nmae: 'Maria Chen', company: 'Tillpoint' };
  const fields = await refused(mcp, 'create_campaign', { campaign: misspelt });
  assert.match(fields, /the campaign argument is not a valid campaign:/);
  assert.match(fields, /sender: unknown field "nmae"/);
  assert.match(fields, /sender\.name must be text/);

  const { campaigns } = await mcp.ok<{ campaigns: Campaign[] }>('list_campaigns');
  assert.deepEqual(campaigns.map((c) => c.name), ['demo']);

  // Saved, a campaign keeps its copy when a change to it does not pass.
  await mcp.ok('create_campaign', { campaign: payroll() });
  assert.match(await refused(mcp, 'update_campaign', { campaign: typo }), /unknown variable \{\{ frist_name \}\}/);
  const preview = await mcp.ok<{ samples: Sample[] }>('preview_campaign', { campaign: CAMPAIGN });
  assert.match(preview.samples[0].body, /Running payroll for several sites/, 'still the saved template (the sample lead has no "Number of Sites")');
  assert.match(await refused(mcp, 'create_campaign', { campaign: payroll() }), /a campaign named "payroll-restaurants" exists already \(draft\); change it with update_campaign/);
  const renamed = { ...payroll(), offer: { ...payroll().offer, product: 'Tillpoint Payroll Plus' } };
  const updated = await mcp.ok<{ created: boolean; campaign: Campaign }>('update_campaign', { campaign: renamed });
  assert.deepEqual([updated.created, updated.campaign.product], [false, 'Tillpoint Payroll Plus']);
  assert.match(await refused(mcp, 'update_campaign', { campaign: { ...payroll(), name: 'nope' } }), /there is no campaign "nope" \(campaigns: demo, payroll-restaurants\); create it with create_campaign/);
});

test('a draft campaign\'s messaged leads are not sent until it is activated; a paused one holds them again', async (t) => {
  const mcp = await agent(t);
  await mcp.ok('create_campaign', { campaign: payroll() });
  await mcp.ok('import_leads', { csv: PROSPECTS, campaign: CAMPAIGN });
  await mcp.ok('enrich_leads', {});
  assert.equal((await mcp.ok<{ messaged: number }>('generate_messages', { channels: ['email'], campaign: CAMPAIGN })).messaged, 5, 'a draft\'s leads are written, to be read');

  const draft = await mcp.call('send_outreach', { campaign: CAMPAIGN });
  assert.equal((draft.structuredContent as { tally: { sent: number } }).tally.sent, 0);
  assert.match(text(draft), /Campaign "payroll-restaurants" is draft: only an active campaign's leads are sent \(set_campaign_state\)/);

  assert.match(await refused(mcp, 'set_campaign_state', { campaign: CAMPAIGN, action: 'pause' }), /campaign "payroll-restaurants" is draft; it can become active or finished, not paused/);
  await mcp.ok('set_campaign_state', { campaign: CAMPAIGN, action: 'activate' });
  await mcp.ok('set_campaign_state', { campaign: CAMPAIGN, action: 'pause' });
  assert.equal((await mcp.ok<{ tally: { simulated: number } }>('send_outreach', { campaign: CAMPAIGN })).tally.simulated, 0, 'paused: held');
  const resumed = await mcp.ok<{ previous: string; campaign: Campaign }>('set_campaign_state', { campaign: CAMPAIGN, action: 'resume' });
  assert.deepEqual([resumed.previous, resumed.campaign.state], ['paused', 'active']);
  assert.equal((await mcp.ok<{ tally: { simulated: number } }>('send_outreach', { campaign: CAMPAIGN, limit: 2 })).tally.simulated, 2);
  assert.match(await refused(mcp, 'send_outreach', { campaign: 'nope' }), /no campaign "nope" in the store; campaigns: demo, payroll-restaurants/);
});

test('leads move into a campaign by id: drafted demo leads are written afresh for it, unknown ids are named', async (t) => {
  const mcp = await agent(t);
  const { ids } = await mcp.ok<{ ids: number[] }>('import_leads', { csv: PROSPECTS });
  await mcp.ok('enrich_leads', {});
  await mcp.ok('generate_messages', { channels: ['email'] });
  await mcp.ok('create_campaign', { campaign: payroll() });
  await mcp.ok('set_campaign_state', { campaign: CAMPAIGN, action: 'activate' });

  const moved = await mcp.ok<{ added: number[]; unknown: number[]; kept: unknown[] }>('add_leads_to_campaign', { campaign: CAMPAIGN, lead_ids: [...ids, 999_999] });
  assert.deepEqual([moved.added, moved.unknown, moved.kept], [ids, [999_999], []]);
  const written = await mcp.ok<{ messaged: number; drafts: { body: string }[] }>('generate_messages', { channels: ['email'], campaign: CAMPAIGN });
  assert.equal(written.messaged, 5);
  assert.ok(written.drafts.every((d) => /Tillpoint/.test(d.body)));
});

test('the campaign tools describe the campaign they take, and say that only an active campaign\'s leads are sent', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  const { tools } = await mcp.client.listTools();
  const by = Object.fromEntries(tools.map((x) => [x.name, x]));
  const campaignArg = (by.create_campaign.inputSchema.properties as Record<string, { properties: Record<string, { required?: string[] }>; required: string[] }>).campaign;
  assert.deepEqual(campaignArg.required.sort(), ['name', 'offer', 'sender', 'sequence'], 'the campaign file\'s own schema is what an agent sees');
  assert.deepEqual(campaignArg.properties.sender.required, ['name', 'company']);
  assert.equal(by.preview_campaign.annotations?.readOnlyHint, true);
  assert.equal(by.list_campaigns.annotations?.readOnlyHint, true);
  for (const name of ['send_outreach', 'set_campaign_state', 'create_campaign']) assert.match(by[name].description!, /only (leads of an active|an active) campaign/i, name);
  for (const name of ['send_outreach', 'import_leads', 'generate_messages', 'get_metrics']) {
    assert.ok((by[name].inputSchema.properties as Row).campaign, `${name} takes a campaign`);
  }
});

test('a live send for a campaign is previewed for it, and its confirm_token sends for no other campaign (nor for all)', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, smtp.env);
  await mcp.client.listTools();
  const people = (names: string[]) =>
    names.map((n) => ({ email: `${n}@${LIVE_TEST_DOMAIN}`, firstName: n, title: 'Finance Director', company: `${n} Group`, website: `https://${LIVE_TEST_DOMAIN}`, 'Number of Sites': '9' }));
  for (const [campaign, names] of [[CAMPAIGN, ['dana', 'lee', 'sam']], ['payroll-bakeries', ['ana', 'omar']]] as const) {
    await mcp.ok('create_campaign', { campaign: { ...payroll(), name: campaign } });
    await mcp.ok('import_leads', { rows: people([...names]), campaign });
    await mcp.ok('set_campaign_state', { campaign, action: 'activate' });
  }
  await mcp.ok('enrich_leads', {});
  assert.equal((await mcp.ok<{ messaged: number }>('generate_messages', { channels: ['email'] })).messaged, 5);

  const p = await mcp.ok<{ campaign: string; preview: { leads: { email: string }[] }; confirm_token: string }>('send_outreach', { dry_run: false, limit: 5, campaign: CAMPAIGN });
  assert.equal(p.campaign, CAMPAIGN);
  assert.deepEqual(p.preview.leads.map((l) => l.email.split('@')[0]), ['dana', 'lee', 'sam'], 'only the campaign named');

  for (const other of [{ campaign: 'payroll-bakeries' }, {}]) {
    const replay = await refused(mcp, 'send_outreach', { dry_run: false, limit: 5, confirm_token: p.confirm_token, ...other });
    assert.match(replay, /nothing was sent: this confirm_token was issued for different arguments; call send_outreach again with the same channel, limit and campaign/);
  }
  assert.equal(smtp.received.length, 0);

  const sent = await mcp.ok<{ campaign: string; tally: { sent: number } }>('send_outreach', { dry_run: false, limit: 5, confirm_token: p.confirm_token, campaign: CAMPAIGN });
  assert.deepEqual([sent.campaign, sent.tally.sent], [CAMPAIGN, 3]);
  assert.deepEqual(smtp.received.map((m) => m.to[0].split('@')[0]).sort(), ['dana', 'lee', 'sam']);
  assert.ok(smtp.received.every((m) => /^From: Maria Chen <alex@leadflow-sender\.io>\r$/m.test(m.data)), 'from the campaign\'s sender, at the configured mailbox');
  const store = openStore(db);
  t.after(() => store.close());
  assert.equal(Number(store.stmt("SELECT count(*) AS n FROM sends s JOIN leads l ON l.id = s.lead_id JOIN campaigns c ON c.id = l.campaign_id WHERE s.dry_run = 0 AND c.name = 'payroll-bakeries'").get()?.n), 0);
});

test('a live preview of a campaign with several mailboxes names them and counts each one\'s cap; the confirmed send leaves from them', async (t) => {
  const smtp = await startSmtpSink(t);
  const dir = tempDir(t);
  const accounts = join(dir, 'mailboxes.yaml');
  writeFileSync(accounts, ['anna', 'ben'].map((n) => `- fromEmail: ${n}@tillpoint-mail.test\n  host: 127.0.0.1\n  port: ${smtp.env.SMTP_PORT}\n`).join(''));
  const mcp = await mcpOverStdio(t, tempStorePath(t), { ...smtp.env, LEADFLOW_MAILBOXES: accounts, DAILY_SEND_CAP: '0', RATE_LIMIT_PER_MINUTE: '0' });
  const mailboxes = [{ address: 'anna@tillpoint-mail.test', dailyCap: 2 }, { address: 'ben@tillpoint-mail.test', name: 'Ben Ortiz', dailyCap: 1 }];
  await mcp.ok('create_campaign', { campaign: { ...payroll(), mailboxes } });
  const people = ['dana', 'lee', 'sam', 'kim', 'ana'].map((n) => ({ email: `${n}@${LIVE_TEST_DOMAIN}`, firstName: n, title: 'CFO', company: `${n} Group`, website: `https://${LIVE_TEST_DOMAIN}` }));
  await mcp.ok('import_leads', { rows: people, campaign: CAMPAIGN });
  await mcp.ok('set_campaign_state', { campaign: CAMPAIGN, action: 'activate' });
  await mcp.ok('enrich_leads', {});
  await mcp.ok('generate_messages', { channels: ['email'] });

  const p = await mcp.ok<{ preview: { from: string; allowedNow: number; count: number; limitedBy: string }; confirm_token: string }>('send_outreach', { dry_run: false, limit: 5, campaign: CAMPAIGN });
  assert.equal(p.preview.from, 'Maria Chen <anna@tillpoint-mail.test>, Ben Ortiz <ben@tillpoint-mail.test>');
  assert.deepEqual([p.preview.allowedNow, p.preview.count], [3, 3], 'two from anna and one from ben today');
  assert.match(p.preview.limitedBy, /daily cap of 2 for anna@tillpoint-mail\.test/);
  const sent = await mcp.ok<{ tally: { sent: number } }>('send_outreach', { dry_run: false, limit: 5, confirm_token: p.confirm_token, campaign: CAMPAIGN });
  assert.equal(sent.tally.sent, 3);
  assert.deepEqual(smtp.received.map((m) => m.from).sort(), ['anna@tillpoint-mail.test', 'anna@tillpoint-mail.test', 'ben@tillpoint-mail.test']);
});
