/**
 * n8n's queue mode (EXECUTIONS_MODE=queue) runs executions on workers that each open their own SQLite file, so caps,
 * rate limits and unsubscribes would not be shared: live sending refuses there, through every door, before anything
 * leaves; a dry run goes on; and `leadflow` warns whenever it starts in such a process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { openStore } from '../lib/store/store';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { runNode } from './support/n8nEngine';
import { leadflowAwait } from './support/cli';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN, liveEnv } from './support/liveLeads';
import { mcpOverStdio } from './support/mcpClient';
import { startSmtpSink } from './support/mcpSmtp';
import { tempDir, tempStorePath } from './support/tmp';

const QUEUE = { EXECUTIONS_MODE: 'queue' };
const PROBLEM = /n8n runs in queue mode here \(EXECUTIONS_MODE=queue\), and the leadflow store is a SQLite file \(.+\) that each worker opens on its own host/;

function prospects(dir: string, n: number): string {
  const file = join(dir, 'prospects.csv');
  writeFileSync(
    file,
    'email,first_name,last_name,title,company,website,industry,country\n' +
      Array.from({ length: n }, (_, i) => `rae${i}@${LIVE_TEST_DOMAIN},Rae,Doe${i},CTO,Test Co,https://${LIVE_TEST_DOMAIN},Technology,Germany`).join('\n') + '\n',
  );
  return file;
}

test('the CLI in queue mode warns on every command and refuses a live send before anything leaves; a dry run goes on', async (t) => {
  const db = tempStorePath(t);
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const imported = await leadflowAwait(['--db', db, 'import', prospects(tempDir(t), 3)], QUEUE);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stderr, /leadflow: warning: n8n runs in queue mode/);
  assert.match(imported.stderr, PROBLEM);

  const live = await leadflowAwait(['--db', db, 'run', '--leads', '0', '--channels', 'email', '--live'], { ...liveEnv(smtp.port), ...QUEUE });
  assert.equal(live.code, 1, live.stdout);
  assert.match(live.stderr, /leadflow: live sending refused: n8n runs in queue mode/);
  assert.match(live.stderr, /EXECUTIONS_MODE=regular/);
  assert.match(live.stderr, /one PostgreSQL store instead — a Leadflow Store credential on the nodes, or LEADFLOW_DB \/ --db postgres:\/\//, "the shared store is named as the fix");
  assert.equal(smtp.received.length, 0, 'nothing left');
  const store = openStore(db);
  t.after(() => store.close());
  assert.equal(Number(store.stmt('SELECT count(*) AS n FROM sends WHERE dry_run = 0').get()!.n), 0, 'nothing queued live');

  const dry = await leadflowAwait(['--db', db, 'send', '--channels', 'email', '--json'], QUEUE);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(JSON.parse(dry.stdout).simulated, 3, 'a dry run sends nothing, so it may go on');

  const regular = await leadflowAwait(['--db', db, 'send', '--live', '--channels', 'email'], { ...liveEnv(smtp.port), EXECUTIONS_MODE: 'regular' });
  assert.equal(regular.code, 0, regular.stderr);
  assert.doesNotMatch(regular.stderr, /queue mode/);
  assert.equal(smtp.received.length, 3, 'in regular mode the same send goes out');
});

test('the MCP server in queue mode gives no live preview token and says why', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, { ...smtp.env, ...QUEUE });
  await mcp.ok('import_leads', { rows: [{ email: 'dana.ruiz@brightforge.io', firstName: 'Dana', lastName: 'Ruiz', title: 'CTO', company: 'Brightforge', website: 'https://brightforge.io', country: 'Germany' }] });
  await mcp.ok('enrich_leads', {});
  await mcp.ok('generate_messages', { channels: ['email'] });
  const refused = await mcp.error('send_outreach', { dry_run: false, limit: 1 });
  assert.match(refused, /live sending refused/);
  assert.match(refused, PROBLEM);
  assert.equal(smtp.received.length, 0);
  const dry = await mcp.ok<{ step: string }>('send_outreach', { dry_run: true, limit: 1 });
  assert.equal(dry.step, 'dry_run');
});

test('Send Outreach on an n8n worker in queue mode refuses to send live and names the fix; dry runs still record', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const storePath = tempStorePath(t);
  await runNode(new GenerateLeads(), {
    parameters: { storePath, mode: 'import' },
    input: [{ email: `jane@${LIVE_TEST_DOMAIN}`, name: 'Jane Doe', title: 'CTO', company: 'Northwind Traders', country: 'Germany' }],
  });
  await runNode(new EnrichLeads(), { parameters: { storePath } });
  await runNode(new PersonalizeMessages(), { parameters: { storePath } });
  const credential = {
    host: '127.0.0.1', port: smtp.port, secure: false, user: '', password: '', fromName: 'Alex Smith', fromEmail: 'alex@sender.leadflow-test.net',
    unsubscribeSecret: 'a-test-secret-of-at-least-16-chars', postalAddress: '1 Test Street, Testville',
  };
  const saved = process.env.EXECUTIONS_MODE;
  process.env.EXECUTIONS_MODE = 'queue';
  t.after(() => {
    if (saved === undefined) delete process.env.EXECUTIONS_MODE;
    else process.env.EXECUTIONS_MODE = saved;
  });
  const live = await runNode(new SendOutreach(), {
    parameters: { storePath, dryRun: false, mode: 'sendAll', unsubscribeBaseUrl: 'https://n8n.sender.test/webhook/leadflow-unsubscribe' },
    credentials: { leadflowSmtp: credential },
  });
  assert.ok(live.error, 'the node fails');
  assert.match(live.error, /live sending refused: n8n runs in queue mode/);
  assert.equal(smtp.received.length, 0);
  const dry = await runNode(new SendOutreach(), { parameters: { storePath, dryRun: true, mode: 'sendAll' } });
  assert.equal(dry.error, undefined);
  assert.equal((dry.items[0].json.leadflow as IDataObject).outcome, 'simulated');
});
