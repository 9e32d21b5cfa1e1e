/**
 * The bundled inbox-events workflow, live in a real n8n 1.123.50 on Node 20: its Email Trigger (IMAP) logged in to a
 * real IMAP server (hoodiecrow, in-process) whose INBOX holds a real reply to one of our sends and a real DSN bounce.
 * Proves the trigger → classify → Record Event chain changes the store: the replier is REPLIED (matched by
 * In-Reply-To against the Message-ID the send recorded), the bounced lead is BOUNCED and its address suppressed.
 * Runs once, under the Node 20 pass of `npm test` (n8n runs on its own Node either way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { openStore, importRows, enrichNewLeads, personalizeEnriched, sendMessaged, getLead, suppressionReason } from '../lib';
import { importWorkflows, n8n } from './support/n8nCli';
import { n8nWorkspace } from './support/n8nServer';

const secondPass = process.env.LEADFLOW_SQLITE_DRIVER === 'node:sqlite';
const IMAP_USER = 'inbox@leadflow-sender.example';
const IMAP_PASSWORD = 'imap-test-password';
const REPLIER = 'jane@northwind-traders.example';
const BOUNCED = 'sam@contoso-shipping.example';

interface Hoodiecrow {
  server: Server;
  listen(port: number, host: string, cb: () => void): void;
  close(cb: () => void): void;
}
// hoodiecrow-imap ships no types: the two calls used here are typed above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hoodiecrow = require('hoodiecrow-imap') as (options: Record<string, unknown>) => Hoodiecrow;

function replyTo(messageId: string): string {
  return [
    `From: Jane Doe <${REPLIER}>`,
    `To: <${IMAP_USER}>`,
    'Subject: Re: Northwind Traders and shipping costs',
    'Date: Wed, 25 Nov 2026 09:12:00 +0000',
    'Message-ID: <reply-1@northwind-traders.example>',
    `In-Reply-To: ${messageId}`,
    `References: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Thanks — yes, send me more details about this next week.',
    '',
  ].join('\r\n');
}

function bounceFor(address: string): string {
  return [
    'From: Mail Delivery System <mailer-daemon@mx.leadflow-sender.example>',
    `To: <${IMAP_USER}>`,
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Wed, 25 Nov 2026 09:13:00 +0000',
    'Message-ID: <dsn-1@mx.leadflow-sender.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"',
    '',
    '--dsn-boundary',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Your message could not be delivered to ${address}: the mailbox does not exist.`,
    '',
    '--dsn-boundary',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.leadflow-sender.example',
    '',
    `Final-Recipient: rfc822; ${address}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '',
    '--dsn-boundary--',
    '',
  ].join('\r\n');
}

test('n8n 1.x inbox-events workflow records a reply and a bounce from a real IMAP inbox', { skip: secondPass && 'ran in the Node 20 pass; n8n runs on its own Node either way', timeout: 20 * 60_000 }, async (t) => {
  const { inst, dir, storePath, start } = await n8nWorkspace(t, 'leadflow-n8n-inbox-');
  const env = { LEADFLOW_DB: storePath };

  // Two leads taken through lib's own pipeline to a dry-run SENT, so the reply can name a Message-ID we recorded.
  const store = openStore(storePath);
  let replierId: number;
  let bouncedId: number;
  let sentMessageId: string;
  try {
    const report = await importRows(
      store,
      [
        { email: REPLIER, name: 'Jane Doe', title: 'CTO', company: 'Northwind Traders', country: 'Germany' },
        { email: BOUNCED, name: 'Sam Lee', title: 'VP Sales', company: 'Contoso Shipping', country: 'France' },
      ],
      { source: 'n8n-inbox-test' },
    );
    assert.equal(report.inserted, 2, JSON.stringify(report.rejected));
    [replierId, bouncedId] = report.ids;
    enrichNewLeads(store);
    personalizeEnriched(store, { channels: ['email'] });
    const sent = await sendMessaged(store, { channels: ['email'] });
    assert.equal(sent.simulated, 2, JSON.stringify(sent));
    const row = store.stmt("SELECT rfc_message_id FROM sends WHERE lead_id = ? AND state = 'SENT'").get(replierId);
    sentMessageId = String(row?.rfc_message_id ?? '');
    assert.match(sentMessageId, /^<.+@.+>$/);
  } finally {
    store.close();
  }

  const imap = hoodiecrow({
    users: { [IMAP_USER]: { password: IMAP_PASSWORD } },
    storage: { INBOX: { messages: [{ raw: replyTo(sentMessageId) }, { raw: bounceFor(BOUNCED) }] }, '': {} },
  });
  await new Promise<void>((resolve) => imap.listen(0, '127.0.0.1', resolve));
  const imapPort = (imap.server.address() as AddressInfo).port;
  t.after(() => new Promise<void>((resolve) => imap.close(() => resolve())));

  // The credential the Email Trigger uses, imported the way an operator would, and the workflow pointed at it.
  const credentialFile = join(dir, 'imap-credential.json');
  writeFileSync(
    credentialFile,
    JSON.stringify([
      { id: 'leadflowImapTest', name: 'Test inbox (IMAP)', type: 'imap', data: { host: '127.0.0.1', port: imapPort, user: IMAP_USER, password: IMAP_PASSWORD, secure: false, allowUnauthorizedCerts: true } },
    ]),
  );
  const credentialImport = n8n(inst, dir, ['import:credentials', `--input=${credentialFile}`], env);
  assert.equal(credentialImport.code, 0, credentialImport.stdout + credentialImport.stderr);

  const workflowDir = join(dir, 'workflows');
  mkdirSync(workflowDir);
  const workflow = JSON.parse(readFileSync(join(__dirname, '..', 'workflows', 'inbox-events.json'), 'utf8'));
  const trigger = workflow.nodes.find((n: { type: string }) => n.type === 'n8n-nodes-base.emailReadImap');
  trigger.credentials = { imap: { id: 'leadflowImapTest', name: 'Test inbox (IMAP)' } };
  writeFileSync(join(workflowDir, 'inbox-events.json'), JSON.stringify(workflow));
  const imported = importWorkflows(inst, dir, workflowDir, env);
  assert.equal(imported.code, 0, imported.stderr);
  const activated = n8n(inst, dir, ['update:workflow', `--id=${workflow.id}`, '--active=true'], env);
  assert.equal(activated.code, 0, activated.stdout + activated.stderr);

  const server = await start(env);

  // The trigger reads the unseen mail as soon as it opens INBOX; poll the store, bounded.
  let replier = null;
  let bounced = null;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const s = openStore(storePath);
    try {
      replier = getLead(s, replierId);
      bounced = getLead(s, bouncedId);
    } finally {
      s.close();
    }
    if (replier?.status === 'REPLIED' && bounced?.status === 'BOUNCED') break;
    await new Promise((r) => setTimeout(r, 1000));
  }

  await t.test('the reply names our Message-ID, so its lead is REPLIED', () => {
    assert.equal(replier?.status, 'REPLIED', server.log().slice(-3000));
  });

  await t.test('the 5.1.1 delivery report makes its lead BOUNCED and suppresses the address', () => {
    assert.equal(bounced?.status, 'BOUNCED', server.log().slice(-3000));
    const s = openStore(storePath);
    try {
      assert.match(String(suppressionReason(s, BOUNCED)), /hard bounce \(5\.1\.1\)/);
      assert.equal(suppressionReason(s, REPLIER), null);
    } finally {
      s.close();
    }
  });

  await t.test('n8n stops cleanly when signalled', async () => {
    await server.stop();
    assert.deepEqual(server.exit(), { code: 0, signal: null }, server.log().slice(-2000));
  });
});
