/// <reference lib="dom" />
/**
 * The editor of the real n8n the end-to-end tests use, in Chromium, with this package installed as n8n's UI installs
 * it and the bundled workflows imported: every leadflow node on their canvases has a subtitle in words (the one
 * editorView.ts computes, free of internal values), opening each node's panel makes n8n ask for no output schema it
 * lacks (n8n 2.x asks for the schema of each unexecuted leadflow node feeding the panel), n8n serves every node's and
 * operation's schema, turning Dry Run off shows the notice that real email will go out (the node's Postal Address stays
 * unflagged: the credential requires its own), and Record Event has its own icon. One n8n start per version serves all of its cases.
 * Runs once, under the Node 20 pass of `npm test` (n8n runs on its own Node either way).
 */
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { INodeParameters, INodeType } from 'n8n-workflow';
import { importWorkflows } from './support/n8nCli';
import { n8nWorkspace, type N8nServer } from './support/n8nServer';
import { launchChromium } from './support/browser';
import { NODES, expectedSchemaPaths } from './support/outputSchemas';
import { subtitleOf, subtitleProblems } from './support/editorView';

const secondPass = process.env.LEADFLOW_SQLITE_DRIVER === 'node:sqlite';
const PACKAGE = 'n8n-nodes-leadflow';
const OWNER = { email: 'owner@leadflow.test', firstName: 'Lead', lastName: 'Flow', password: 'Leadflow-e2e-1' };
const WORKFLOWS = join(__dirname, '..', 'workflows');

interface WorkflowNode {
  name: string;
  type: string;
  parameters: INodeParameters;
}
interface Workflow {
  id: string;
  name: string;
  nodes: WorkflowNode[];
  connections: Record<string, { main: { node: string }[][] }>;
}

const workflows: Workflow[] = readdirSync(WORKFLOWS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(WORKFLOWS, f), 'utf8')) as Workflow);

/** Our node classes by the type a workflow names them with (`n8n-nodes-leadflow.sendOutreach`). */
const ourTypes = new Map<string, INodeType>(Object.values(NODES).map((make) => [`${PACKAGE}.${make().description.name}`, make()]));

/** The schema URL path n8n's editor asks for, for a node with these parameters (its schemaPreview.api). */
function schemaUrlPath(node: WorkflowNode): string {
  const type = ourTypes.get(node.type)!;
  const operation = type.description.properties.find((p) => p.name === 'operation');
  const value = operation ? String(node.parameters.operation ?? operation.default) : undefined;
  return `/schemas/${node.type}/1.0.0${value ? '/' + value : ''}.json`;
}

let browser: Browser;
before(async () => {
  if (!secondPass) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** A logged-in browser context on a started n8n: the owner set up over the REST API, then logged in. */
async function ownerContext(t: TestContext, server: N8nServer): Promise<BrowserContext> {
  const setup = await fetch(`${server.url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
  assert.equal(setup.status, 200, await setup.text());
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  t.after(() => context.close());
  const login = await context.request.post(`${server.url}/rest/login`, { data: { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password } });
  assert.equal(login.status(), 200, await login.text());
  return context;
}

async function openWorkflow(page: Page, server: N8nServer, id: string): Promise<void> {
  await page.goto(`${server.url}/workflow/${id}`);
  await page.locator('[data-test-id="canvas-node"]').first().waitFor();
}

const canvasNode = (page: Page, name: string) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).first();

/** The subtitle under a node on the canvas ('' when it has none). */
async function canvasSubtitle(page: Page, name: string): Promise<string> {
  const subtitle = canvasNode(page, name).locator('[class*="subtitle"]');
  return (await subtitle.count()) ? (await subtitle.first().innerText()).trim() : '';
}

async function openPanel(page: Page, name: string): Promise<void> {
  await canvasNode(page, name).dblclick();
  await page.locator('[data-test-id="ndv"]').first().waitFor();
}

/** Closes the panel by its own button: "×" in n8n 2.x, "Back to canvas" in 1.x. */
async function closePanel(page: Page): Promise<void> {
  await page.locator('[data-test-id="ndv-close-button"], [data-test-id="back-to-canvas"]').first().click();
  await page.locator('[data-test-id="ndv"]').first().waitFor({ state: 'hidden' });
}

for (const major of [2, 1] as const) {
  test(`the n8n ${major}.x editor shows leadflow's nodes as n8n users expect`, { skip: secondPass && 'ran in the Node 20 pass; n8n runs on its own Node either way', timeout: 20 * 60_000 }, async (t) => {
    const { inst, dir, storePath, start } = await n8nWorkspace(t, `leadflow-n8n${major}-editor-`, major);
    const env = { LEADFLOW_DB: storePath };
    const imported = importWorkflows(inst, dir, WORKFLOWS, env);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    const server = await start(env);
    const context = await ownerContext(t, server);
    const page = await context.newPage();
    // Leaving a workflow changed in a case (Dry Run turned off) asks before unloading: leave.
    page.on('dialog', (d) => void d.accept());
    const schemaAnswers: { path: string; status: number }[] = [];
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (path.startsWith('/schemas/')) schemaAnswers.push({ path, status: res.status() });
    });
    const version = `n8n ${inst.version}`;

    await t.test(`${version}: every leadflow node of every bundled workflow has a subtitle in words on the canvas`, async () => {
      const wrong: string[] = [];
      for (const wf of workflows) {
        const ours = wf.nodes.filter((n) => ourTypes.has(n.type));
        if (ours.length === 0) continue;
        await openWorkflow(page, server, wf.id);
        for (const node of ours) {
          const shown = await canvasSubtitle(page, node.name);
          const type = ourTypes.get(node.type)!;
          const expected = subtitleOf(type, node.parameters);
          const problems = subtitleProblems(type, shown);
          if (shown !== expected || problems.length) wrong.push(`${wf.name} › ${node.name}: shows "${shown}", expected "${expected}"${problems.length ? ` (${problems.join('; ')})` : ''}`);
        }
      }
      assert.deepEqual(wrong, []);
    });

    await t.test(`${version}: opening each node's panel, n8n has the output schema of every leadflow node it asks for`, async () => {
      schemaAnswers.length = 0;
      const expected = new Set<string>();
      for (const wf of workflows) {
        if (!wf.nodes.some((n) => ourTypes.has(n.type))) continue;
        await openWorkflow(page, server, wf.id);
        for (const node of wf.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote')) {
          await openPanel(page, node.name);
          await closePanel(page);
        }
        for (const [from, out] of Object.entries(wf.connections)) {
          const parent = wf.nodes.find((n) => n.name === from)!;
          if (ourTypes.has(parent.type) && out.main.some((targets) => targets.length > 0)) expected.add(schemaUrlPath(parent));
        }
      }
      // The panels asked, as they opened, for the schema of every unexecuted node feeding them; let the answers land.
      const ours = () => schemaAnswers.filter((a) => a.path.startsWith(`/schemas/${PACKAGE}.`));
      const asked = () => [...new Set(ours().map((a) => a.path))].sort();
      for (let waited = 0; asked().length < expected.size && waited < 15_000; waited += 250) await page.waitForTimeout(250);
      assert.deepEqual(ours().filter((a) => a.status !== 200), [], 'n8n answered a leadflow schema request with an error');
      // Each leadflow node that feeds another node was asked for once its child's panel opened, and found.
      assert.deepEqual(asked(), [...expected].sort());
    });

    await t.test(`${version}: n8n serves the output schema of every leadflow node and operation, as shipped`, async () => {
      for (const path of expectedSchemaPaths()) {
        // nodes/SendOutreach/__schema__/v1.0.0/send.json → /schemas/n8n-nodes-leadflow.sendOutreach/1.0.0/send.json
        const [, folder, , version, rest] = /^nodes\/([^/]+)\/(__schema__)\/v([\d.]+?)(?:\.json|\/(.+)\.json)$/.exec(path.replaceAll('\\', '/'))!;
        const name = NODES[folder]().description.name;
        const res = await fetch(`${server.url}/schemas/${PACKAGE}.${name}/${version}${rest ? '/' + rest : ''}.json`);
        assert.equal(res.status, 200, `${path}: ${res.status}`);
        assert.deepEqual(await res.json(), JSON.parse(readFileSync(join(__dirname, '..', path), 'utf8')), path);
      }
    });

    await t.test(`${version}: with Dry Run off, Send Outreach says real email will go out; Postal Address is an optional override (the credential requires its own)`, async () => {
      await openWorkflow(page, server, 'leadflowPipeline');
      await openPanel(page, 'Send Outreach');
      const notice = page.getByText('Dry Run is off: this node sends real email');
      assert.equal(await notice.count(), 0, 'no notice while Dry Run is on');
      await page.locator('[data-test-id="parameter-input-dryRun"]').click();
      await notice.first().waitFor();
      const postal = page.locator('[data-test-id="parameter-item"]', { has: page.locator('[data-test-id="parameter-input-postalAddress"]') });
      await postal.first().waitFor();
      assert.equal(await postal.locator('[data-test-id="parameter-issues"]').count(), 0, 'an empty node Postal Address is not an issue: the credential holds it');
      await closePanel(page);
      assert.match(await canvasSubtitle(page, 'Send Outreach'), /^Live sending · /);
    });

    await t.test(`${version}: Record Event has an icon of its own on the canvas; Send keeps the paper plane`, async () => {
      const iconOf = async (name: string) => (await canvasNode(page, name).locator('img').first().getAttribute('src')) ?? '';
      await openWorkflow(page, server, 'leadflowInbox');
      assert.match(await iconOf('Record Event'), /\/SendOutreach\/recordEvent\.svg$/);
      await openWorkflow(page, server, 'leadflowPipeline');
      assert.match(await iconOf('Send Outreach'), /\/SendOutreach\/sendOutreach\.svg$/);
    });
  });
}
