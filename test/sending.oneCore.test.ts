/**
 * One sending core: every adapter — the n8n node, the CLI, the MCP server, the page — reads its settings into one
 * SendingConfig and sends through one entry, so a rule holds on every path alike. Each test drives each adapter
 * through its own door against a real SMTP server on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../lib/store/store';
import { SENDING_RULES } from '../lib/sending/config';
import { recordEvent } from '../lib/inbound/events';
import { importRows } from '../lib/leads/importLeads';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { leadflowAwait } from './support/cli';
import { mcpOverStdio } from './support/mcpClient';
import { runNode } from './support/n8nEngine';
import { startSmtp, type TestSmtp } from './support/smtpServer';
import { queueLiveLeads, liveEnv, COMPLIANCE, LIVE_TEST_DOMAIN } from './support/liveLeads';
import { tempStorePath } from './support/tmp';

const FROM = 'alex@sender.leadflow-test.net';

const env = (smtp: TestSmtp, extra: Record<string, string> = {}) => liveEnv(smtp.port, extra);

/** The same settings as the node's SMTP credential (which holds the compliance settings in n8n). */
function credential(smtp: TestSmtp, extra: Record<string, unknown> = {}) {
  return {
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    user: '',
    password: '',
    fromName: 'Alex',
    fromEmail: FROM,
    unsubscribeUrl: COMPLIANCE.unsubscribeBaseUrl,
    unsubscribeSecret: COMPLIANCE.secret,
    postalAddress: COMPLIANCE.postalAddress,
    ...extra,
  };
}

const liveNode = (storePath: string, extra: Record<string, unknown> = {}) => ({ storePath, dryRun: false, mode: 'tick', ratePerMinute: 0, dailyCap: 0, ...extra });

async function fixture(t: import('node:test').TestContext, leads: number): Promise<{ db: string; store: Store; smtp: TestSmtp; ids: number[] }> {
  const db = tempStorePath(t);
  const store = openStore(db);
  const smtp = await startSmtp();
  t.after(async () => {
    await smtp.close();
    store.close();
  });
  const ids = leads ? await queueLiveLeads(store, leads) : [];
  return { db, store, smtp, ids };
}

const stateOf = (store: Store, leadId: number) => store.stmt('SELECT state, error FROM sends WHERE lead_id = ? AND dry_run = 0').get(leadId);

test('a secret shorter than 16 characters is refused by the node, the CLI, the MCP server and the page, in the same sentence', async (t) => {
  const { db, smtp } = await fixture(t, 1);
  const weak = { LEADFLOW_SECRET: 'too-short' };

  const cli = await leadflowAwait(['--db', db, 'send', '--live'], env(smtp, weak));
  assert.equal(cli.code, 1);
  assert.ok(cli.stderr.includes(SENDING_RULES.secret), cli.stderr);

  const mcp = await mcpOverStdio(t, db, env(smtp, weak));
  assert.ok((await mcp.error('send_outreach', { dry_run: false })).includes(SENDING_RULES.secret));

  const node = await runNode(new SendOutreach(), { parameters: liveNode(db), credentials: { leadflowSmtp: credential(smtp, { unsubscribeSecret: 'too-short' }) } });
  assert.ok(String(node.error).includes(SENDING_RULES.secret), String(node.error));

  const page = await leadflowAwait(['--db', db, 'serve', '--port', '0'], weak);
  assert.equal(page.code, 1);
  assert.ok(page.stderr.includes(SENDING_RULES.secret), page.stderr);

  assert.equal(smtp.received.length, 0, 'nothing was sent on any path');
});

test('an MCP-confirmed live send that meets 451 ends as the configured MAX_RETRIES says', async (t) => {
  for (const [maxRetries, expected] of [['0', 'FAILED'], ['2', 'QUEUED']] as const) {
    const { db, store, smtp, ids } = await fixture(t, 1);
    smtp.faults.set('*', [{ at: 'rcpt', code: 451, message: '451 4.7.1 greylisted, try again later' }]);
    const mcp = await mcpOverStdio(t, db, env(smtp, { MAX_RETRIES: maxRetries }));
    const preview = await mcp.ok<{ confirm_token: string }>('send_outreach', { dry_run: false, limit: 1 });
    const sent = await mcp.ok<{ outcomes: { state: string }[] }>('send_outreach', { dry_run: false, limit: 1, confirm_token: preview.confirm_token });
    assert.equal(sent.outcomes[0].state, expected, `MAX_RETRIES=${maxRetries}`);
    assert.equal(stateOf(store, ids[0])?.state, expected);
  }
});

test('the verification policy holds back a lead that was never verified, on the CLI, the MCP server and the node', async (t) => {
  const held = /not verified yet \(policy deliverable-only\)/;

  const viaCli = await fixture(t, 1);
  const cli = await leadflowAwait(['--db', viaCli.db, 'send', '--live', '--json'], env(viaCli.smtp, { LEADFLOW_VERIFY: 'deliverable-only' }));
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(String(stateOf(viaCli.store, viaCli.ids[0])?.error), held);

  const viaMcp = await fixture(t, 1);
  const mcp = await mcpOverStdio(t, viaMcp.db, env(viaMcp.smtp, { LEADFLOW_VERIFY: 'deliverable-only' }));
  const preview = await mcp.ok<{ confirm_token: string }>('send_outreach', { dry_run: false, limit: 1 });
  await mcp.ok('send_outreach', { dry_run: false, limit: 1, confirm_token: preview.confirm_token });
  assert.match(String(stateOf(viaMcp.store, viaMcp.ids[0])?.error), held);

  const viaNode = await fixture(t, 1);
  const node = await runNode(new SendOutreach(), {
    parameters: liveNode(viaNode.db, { verificationPolicy: 'deliverable-only' }),
    credentials: { leadflowSmtp: credential(viaNode.smtp) },
  });
  assert.equal(node.error, undefined);
  assert.match(String(stateOf(viaNode.store, viaNode.ids[0])?.error), held);

  for (const f of [viaCli, viaMcp, viaNode]) assert.equal(f.smtp.received.length, 0);

  // And without a policy the same lead goes out: the hold was the policy, not something else.
  const open = await fixture(t, 1);
  assert.equal((await leadflowAwait(['--db', open.db, 'send', '--live'], env(open.smtp))).code, 0);
  assert.equal(open.smtp.received.length, 1);
});

/** 20 live emails sent, 2 of them (10 %) hard-bounced, and 5 more leads waiting. */
async function bouncedList(t: import('node:test').TestContext) {
  const f = await fixture(t, 25);
  const first = await leadflowAwait(['--db', f.db, 'send', '--live', '--limit', '20'], env(f.smtp));
  assert.equal(first.code, 0, first.stderr);
  assert.equal(f.smtp.received.length, 20);
  for (const i of [0, 1]) await recordEvent(f.store, { type: 'bounce', email: `p${i}@${LIVE_TEST_DOMAIN}`, detail: { kind: 'hard' } });
  return f;
}

test('a configured bounce threshold pauses sending at that threshold, from the CLI and from the node', async (t) => {
  // 10 % bounced: a 20 % threshold lets the rest go, the default 5 % pauses.
  const lenient = await bouncedList(t);
  const cli = await leadflowAwait(['--db', lenient.db, 'send', '--live', '--json'], env(lenient.smtp, { BOUNCE_PAUSE_THRESHOLD: '0.2' }));
  assert.equal(JSON.parse(cli.stdout).sent, 5, cli.stderr);

  const strict = await bouncedList(t);
  const paused = await leadflowAwait(['--db', strict.db, 'send', '--live', '--json'], env(strict.smtp, { BOUNCE_PAUSE_THRESHOLD: '0.05' }));
  const doc = JSON.parse(paused.stdout);
  assert.equal(doc.sent, 0);
  assert.match(String(doc.limitedBy), /paused: 2 of the last 20 live sends hard-bounced \(10\.0%, threshold 5\.0%\)/);

  const viaNodeLenient = await bouncedList(t);
  await runNode(new SendOutreach(), { parameters: liveNode(viaNodeLenient.db, { bouncePausePercent: 20 }), credentials: { leadflowSmtp: credential(viaNodeLenient.smtp) } });
  assert.equal(viaNodeLenient.smtp.received.length, 25);

  const viaNodeStrict = await bouncedList(t);
  await runNode(new SendOutreach(), { parameters: liveNode(viaNodeStrict.db, { bouncePausePercent: 5 }), credentials: { leadflowSmtp: credential(viaNodeStrict.smtp) } });
  assert.equal(viaNodeStrict.smtp.received.length, 20, 'the node paused at its own 5 %');
});

test('items naming leads that are not ready say why, in one read for the whole batch', async (t) => {
  const { db, store, smtp } = await fixture(t, 0);
  await importRows(store, [{ email: `new@${LIVE_TEST_DOMAIN}`, name: 'Nia New', title: 'CTO', company: 'Test Co', website: `https://${LIVE_TEST_DOMAIN}`, country: 'Germany' }], { source: 'test' });
  const { items, error } = await runNode(new SendOutreach(), {
    parameters: liveNode(db),
    credentials: { leadflowSmtp: credential(smtp) },
    input: [{ email: `new@${LIVE_TEST_DOMAIN}` }, { leadId: 9999 }],
    continueOnFail: true,
  });
  assert.equal(error, undefined);
  const first = items[0].json.leadflow as { outcome: string; reason: string };
  assert.deepEqual([first.outcome, first.reason], ['skipped', 'lead 1 (NEW) has no email message yet: personalize it first']);
  assert.match(String(items[1].json.error), /no lead with leadId 9999|names no lead|no lead/);
  assert.equal(smtp.received.length, 0);
});
