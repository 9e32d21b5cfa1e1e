/**
 * What n8n's editor shows of our nodes before anything runs, computed as the editor computes it (n8n-workflow's
 * Expression over the node's parameters, defaults filled in): canvas subtitles are words for every combination of the
 * parameters they read — never an internal value such as "sendAll", "auto" or "NEW" — and Send Outreach shows its own
 * inbox icon for Record Event. The same, in a real n8n in Chromium: n8n.editorBrowser.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeParameters, INodeType } from 'n8n-workflow';
import { NODES } from './support/outputSchemas';
import { iconOf, subtitleOf, subtitleProblems } from './support/editorView';

/** An expression over the input: the editor cannot resolve it before a run, so a subtitle must not try. */
const FROM_INPUT = '={{ $json.value }}';

/**
 * The parameters subtitles read, and the values tried for each (those a node does not have are left out; [] means
 * every option): each also given by an expression, except those n8n lets no expression set (noDataExpression).
 */
const VARIED: Record<string, unknown[]> = {
  operation: [],
  method: [],
  mode: [],
  source: [],
  status: ['NEW', 'ENRICHED'],
  model: ['openai/gpt-oss-120b'],
  eventType: [],
  format: [],
  dryRun: [true, false],
  maxPerTick: [50],
  channels: [['email'], ['linkedin'], ['email', 'linkedin'], []],
  campaign: ['', 'payroll-restaurants'],
  count: [1, 25],
};


function combinations(type: INodeType): INodeParameters[] {
  const props = type.description.properties;
  const axes = Object.entries(VARIED).flatMap(([name, values]) => {
    const prop = props.find((p) => p.name === name);
    if (!prop) return [];
    const tried = values.length ? values : (prop.options ?? []).map((o) => (o as { value: unknown }).value);
    return [[name, prop.noDataExpression ? tried : [...tried, FROM_INPUT]] as const];
  });
  return axes.reduce<INodeParameters[]>((acc, [name, values]) => acc.flatMap((p) => values.map((v) => ({ ...p, [name]: v as never }))), [{}]);
}

for (const [folder, make] of Object.entries(NODES)) {
  test(`${folder}'s canvas subtitle is in words for every choice of what it reads`, () => {
    const type = make();
    const seen = new Set<string>();
    for (const parameters of combinations(type)) {
      const subtitle = subtitleOf(type, parameters);
      seen.add(subtitle);
      const context = `${folder} ${JSON.stringify(parameters)} → "${subtitle}"`;
      assert.deepEqual(subtitleProblems(type, subtitle), [], context);
    }
    assert.ok(seen.size > 1 || combinations(type).length === 1, `${folder}'s subtitle never changes`);
  });
}

test('the subtitles read as a user would say it', () => {
  const cases: [string, INodeParameters, string][] = [
    ['GenerateLeads', {}, '10 synthetic leads'],
    ['GenerateLeads', { count: 1 }, '1 synthetic lead'],
    ['GenerateLeads', { mode: 'import' }, 'Import leads from input'],
    ['GenerateLeads', { count: FROM_INPUT }, 'Synthetic leads'],
    ['EnrichLeads', {}, 'Offline rules'],
    ['EnrichLeads', { source: 'items' }, 'Offline rules · input items'],
    ['EnrichLeads', { method: 'ai', source: 'store' }, 'AI: openai/gpt-oss-120b · new leads'],
    ['PersonalizeMessages', { channels: ['email', 'linkedin'] }, 'Templates · Email and LinkedIn'],
    ['SendOutreach', {}, 'Dry run · up to 50 per tick'],
    ['SendOutreach', { dryRun: false, mode: 'sendAll' }, 'Live sending · all due'],
    ['SendOutreach', { operation: 'recordEvent' }, 'Record a reply'],
    ['SendOutreach', { operation: 'recordEvent', eventType: 'unsubscribe' }, 'Record an unsubscribe'],
    ['SendOutreach', { operation: 'recordEvent', eventType: '={{ $json.eventType }}' }, "Record each item's event"],
    ['SendOutreach', { dryRun: FROM_INPUT }, 'Live or dry run · up to 50 per tick'],
    ['OutreachMetrics', { campaign: 'payroll-restaurants' }, 'Funnel of payroll-restaurants'],
    ['OutreachMetrics', { campaign: FROM_INPUT }, 'Funnel'],
    ['OutreachMetrics', { operation: 'export', format: 'json' }, 'Export leads as JSON Lines'],
    ['LeadflowCampaign', {}, 'Create or update a campaign'],
    ['LeadflowCampaign', { operation: 'addLeads', campaign: 'payroll-restaurants' }, 'Add leads to payroll-restaurants'],
    ['LeadflowCampaign', { operation: 'preview', campaign: FROM_INPUT }, 'Preview a campaign'],
  ];
  for (const [folder, parameters, expected] of cases) assert.equal(subtitleOf(NODES[folder](), parameters), expected, `${folder} ${JSON.stringify(parameters)}`);
});

test('Send Outreach shows an inbox icon of its own for Record Event, and its paper plane for Send, in both themes', () => {
  const type = NODES.SendOutreach();
  assert.equal(iconOf(type, {}, 'light'), 'file:sendOutreach.svg');
  assert.equal(iconOf(type, {}, 'dark'), 'file:sendOutreach.dark.svg');
  assert.equal(iconOf(type, { operation: 'recordEvent' }, 'light'), 'file:recordEvent.svg');
  assert.equal(iconOf(type, { operation: 'recordEvent' }, 'dark'), 'file:recordEvent.dark.svg');
  for (const file of ['sendOutreach.svg', 'sendOutreach.dark.svg', 'recordEvent.svg', 'recordEvent.dark.svg']) {
    assert.ok(existsSync(join(__dirname, '..', 'nodes', 'SendOutreach', file)), file);
  }
});

test('the word check catches the subtitles the editor used to show ("Dry run sendAll", "Offline rules · from auto")', () => {
  assert.deepEqual(subtitleProblems(NODES.SendOutreach(), 'Dry run sendAll'), ['it shows the internal value "sendAll"']);
  assert.deepEqual(subtitleProblems(NODES.EnrichLeads(), 'Offline rules · from auto'), ['it shows the internal value "auto"']);
  assert.deepEqual(subtitleProblems(NODES.OutreachMetrics(), 'variants'), ['it shows the internal value "variants"']);
});

test("every node's and credential's documentation link goes to a section of the README on GitHub", async () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  // GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.
  const anchors = new Set(
    [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')),
  );
  const links: [string, string][] = [];
  for (const folder of Object.keys(NODES)) {
    const codex = JSON.parse(readFileSync(join(__dirname, '..', 'nodes', folder, `${folder}.node.json`), 'utf8')) as { resources: { primaryDocumentation: { url: string }[] } };
    for (const { url } of codex.resources.primaryDocumentation) links.push([`${folder}.node.json`, url]);
  }
  const { LeadflowSmtp } = await import('../credentials/LeadflowSmtp.credentials.ts');
  const { LeadflowGroqApi } = await import('../credentials/LeadflowGroqApi.credentials.ts');
  for (const credential of [new LeadflowSmtp(), new LeadflowGroqApi()]) links.push([credential.name, credential.documentationUrl]);
  const bases = new Set<string>();
  for (const [where, url] of links) {
    const m = /^(https:\/\/github\.com\/[^/#]+\/n8n-nodes-leadflow)#(.+)$/.exec(url);
    assert.ok(m, `${where} links ${url}, not a README section on GitHub`);
    bases.add(m[1]);
    assert.ok(anchors.has(m[2]), `${where} links #${m[2]}, which no README heading makes`);
  }
  assert.equal(bases.size, 1, `the links name more than one repository: ${[...bases].join(', ')}`);
});
