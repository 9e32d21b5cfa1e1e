/**
 * End to end in a real n8n 2.x (scripts/n8nCache.mjs: 2.41.1) on Node 24: this package installed exactly as n8n's UI
 * installs it (scripts off, so better-sqlite3 stays unbuilt), and nothing else done — the nodes must work through
 * Node's built-in node:sqlite.
 * Runs once, under the Node 20 pass of `npm test` (n8n is spawned with the cached Node 24 either way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../lib';
import { listCampaigns } from '../lib/campaigns/campaigns';
import { ensureN8n, packRepo, installLikeN8nUi, importWorkflows, executeWorkflow, workflowFiles } from './support/n8nCli';
import { tempDir } from './support/tmp';

const secondPass = process.env.LEADFLOW_SQLITE_DRIVER === 'node:sqlite';

test('n8n 2.x end to end', { skip: secondPass && 'ran in the Node 20 pass; n8n runs on its own Node either way', timeout: 30 * 60_000 }, async (t) => {
  const inst = await ensureN8n(2);
  const dir = tempDir(t, 'leadflow-n8n2-');
  const csvPath = join(dir, 'files', 'leads.csv');
  // n8n 2.x only lets Read/Write Files reach folders it is told about.
  const env = { LEADFLOW_DB: join(dir, 'leadflow.db'), N8N_RESTRICT_FILE_ACCESS_TO: join(dir, 'files') };
  const nodesDir = installLikeN8nUi(packRepo(dir), dir);
  const workflows = join(dir, 'workflows');
  mkdirSync(workflows);
  mkdirSync(join(dir, 'files'));
  for (const file of workflowFiles()) {
    writeFileSync(join(workflows, file), readFileSync(join(__dirname, '..', 'workflows', file), 'utf8').replace('/tmp/leadflow-leads.csv', csvPath));
  }

  await t.test('the UI install leaves better-sqlite3 unbuilt', () => {
    assert.equal(existsSync(join(nodesDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')), false);
  });

  await t.test('every bundled workflow imports', () => {
    const r = importWorkflows(inst, dir, workflows, env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Successfully imported ${workflowFiles().length} workflows`));
  });

  await t.test('the full pipeline runs through node:sqlite with no build step', () => {
    const r = executeWorkflow(inst, dir, 'leadflowPipeline', env);
    assert.equal(r.data?.status, 'success', r.stdout.slice(0, 2000) + r.stderr.slice(-2000));
    assert.equal(r.output('Send Outreach').length, 25);
    const metrics = r.output('Outreach Metrics')[0] as { funnel: { leads: number }[] };
    assert.deepEqual(metrics.funnel.map((s) => s.leads), [25, 25, 25, 0, 0]);
  });

  await t.test('the CSV workflow imports good rows and reports the bad one', () => {
    writeFileSync(csvPath, 'email,name,title,company,country\njane@northwind-traders.com,Jane Doe,CTO,Northwind Traders,Germany\nbroken,Bad Row,CEO,Nowhere,Germany\n');
    const r = executeWorkflow(inst, dir, 'leadflowCsvImp', env);
    assert.equal(r.data?.status, 'success', r.stdout.slice(0, 2000) + r.stderr.slice(-2000));
    assert.deepEqual(r.output('Import Leads').map((j) => (j.leadflow as { outcome: string }).outcome), ['inserted', 'rejected']);
  });

  const outcomes = (items: Record<string, unknown>[]) => items.map((j) => (j.leadflow as { outcome: string }).outcome);

  await t.test('the campaign workflow saves and activates its campaign, and dry-runs copy of that offer signed by its sender', async () => {
    const r = executeWorkflow(inst, dir, 'leadflowCampaign', env);
    assert.equal(r.data?.status, 'success', r.stdout.slice(0, 2000) + r.stderr.slice(-2000));
    const [saved] = r.output('Save Campaign');
    assert.deepEqual([saved.name, saved.state, outcomes([saved])[0], saved.product, saved.sender], ['payroll-restaurants', 'active', 'created', 'Tillpoint Payroll', 'Maria Chen']);
    assert.deepEqual(outcomes(r.output('Add Leads to Campaign')), Array(10).fill('added'));
    const written = r.output('Personalize Messages');
    assert.deepEqual(outcomes(written), Array(10).fill('messaged'));
    for (const lead of written) {
      assert.match(String(lead.email), /\.example$/, 'synthetic leads only, on reserved domains');
      assert.match(String(lead.body), /Tillpoint Payroll/);
      assert.match(String(lead.body), /\n\nBest,\nMaria Chen\nAccount Executive, Tillpoint\n/);
      assert.doesNotMatch(String(lead.body), /workflow automation|Alex from Leadflow/);
    }
    const sent = r.output('Send Outreach');
    assert.deepEqual(outcomes(sent), Array(10).fill('simulated'));
    assert.ok(sent.every((j) => j.dryRun === true));
    const metrics = r.output('Outreach Metrics')[0] as { campaign: { name: string }; funnel: { leads: number }[]; simulated: { leads: number } };
    assert.equal(metrics.campaign.name, 'payroll-restaurants');
    assert.deepEqual(metrics.funnel.map((s) => s.leads), [10, 10, 10, 0, 0]);
    assert.equal(metrics.simulated.leads, 10);
    const store = openStore(env.LEADFLOW_DB);
    try {
      const mine = (await listCampaigns(store)).find((c) => c.name === 'payroll-restaurants');
      assert.deepEqual([mine?.state, mine?.leads, mine?.byStatus], ['active', 10, { MESSAGED: 10 }]);
    } finally {
      store.close();
    }
  });

  await t.test('a campaign with {{frist_name}} stops the workflow at Save Campaign, naming the variable', () => {
    const typoDir = join(dir, 'typo');
    mkdirSync(typoDir);
    const text = readFileSync(join(__dirname, '..', 'workflows', 'campaign.json'), 'utf8')
      .replace('"id": "leadflowCampaign"', '"id": "leadflowCampTypo"')
      .replace('{Hi|Hello} {{ firstName }},', '{Hi|Hello} {{frist_name}},');
    writeFileSync(join(typoDir, 'campaign-typo.json'), text);
    assert.equal(importWorkflows(inst, dir, typoDir, env).code, 0);
    const r = executeWorkflow(inst, dir, 'leadflowCampTypo', env);
    assert.equal(r.code, 1);
    assert.match(String(r.data?.data?.resultData?.error?.message), /unknown variable \{\{ frist_name \}\}: did you mean \{\{ firstName \}\}\?/);
    assert.deepEqual(Object.keys(r.data?.data?.resultData?.runData ?? {}).sort(), ['Save Campaign', 'Start']);
  });
});
