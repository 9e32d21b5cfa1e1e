/**
 * The bundled one-click unsubscribe workflow, live in a real n8n 1.123.50 on Node 20: the package installed as n8n's
 * UI installs it, the workflow imported and activated, `n8n start` serving its production webhook, and a recipient's
 * signed link POSTed to it. Proves the token is checked and the store changed; a forged link changes nothing.
 * Runs once, under the Node 20 pass of `npm test` (n8n runs on its own Node either way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore, importRows, getLead, suppressionReason } from '../lib';
import { unsubscribeToken } from '../lib/inbound/unsubscribe';
import { importWorkflows, n8n } from './support/n8nCli';
import { n8nWorkspace } from './support/n8nServer';

const secondPass = process.env.LEADFLOW_SQLITE_DRIVER === 'node:sqlite';
const SECRET = 'leadflow-webhook-test-secret-0123456789';

test('n8n 1.x one-click unsubscribe webhook', { skip: secondPass && 'ran in the Node 20 pass; n8n runs on its own Node either way', timeout: 20 * 60_000 }, async (t) => {
  const { inst, dir, storePath, start } = await n8nWorkspace(t, 'leadflow-n8n-webhook-');
  const env = { LEADFLOW_DB: storePath, LEADFLOW_SECRET: SECRET };

  const store = openStore(storePath);
  let leadId: number;
  let bystanderId: number;
  try {
    const report = await importRows(
      store,
      [
        { email: 'jane@northwind-traders.example', name: 'Jane Doe', title: 'CTO', company: 'Northwind Traders', country: 'Germany' },
        { email: 'sam@contoso-shipping.example', name: 'Sam Lee', title: 'VP Sales', company: 'Contoso Shipping', country: 'France' },
      ],
      { source: 'n8n-webhook-test' },
    );
    assert.equal(report.inserted, 2, JSON.stringify(report.rejected));
    [leadId, bystanderId] = report.ids;
  } finally {
    store.close();
  }

  const imported = importWorkflows(inst, dir, join(__dirname, '..', 'workflows'), env);
  assert.equal(imported.code, 0, imported.stderr);
  const activated = n8n(inst, dir, ['update:workflow', '--id=leadflowUnsub', '--active=true'], env);
  assert.equal(activated.code, 0, activated.stdout + activated.stderr);

  const server = await start(env);
  const endpoint = `${server.url}/webhook/leadflow-unsubscribe`;

  await t.test('a forged link gets the workflow’s 400 answer naming why, and suppresses nobody', async () => {
    // Lead 2's signed address and signature under lead 1's id: well-formed, but not signed for this lead.
    const forged = unsubscribeToken({ id: bystanderId, email: 'sam@contoso-shipping.example' }, SECRET).replace(/^\d+/, String(leadId));
    const res = await fetch(`${endpoint}?token=${encodeURIComponent(forged)}`, { method: 'POST' });
    const body = await res.text();
    assert.equal(res.status, 400, `${body}\n${server.log().slice(-2000)}`);
    assert.equal(body, 'This unsubscribe link could not be used: this unsubscribe link is not valid (it may have been altered). Reply to our email and ask to be removed instead.');
    const after = openStore(storePath);
    try {
      assert.equal(getLead(after, leadId)?.status, 'NEW');
      assert.equal(suppressionReason(after, 'jane@northwind-traders.example'), null);
    } finally {
      after.close();
    }
  });

  await t.test('the signed link from an email answers 200 and suppresses exactly that lead', async () => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: unsubscribeToken({ id: leadId, email: 'jane@northwind-traders.example' }, SECRET) }),
    });
    const body = await res.text();
    assert.equal(res.status, 200, `${body}\n${server.log().slice(-2000)}`);
    assert.equal(body, 'You are unsubscribed and will not hear from us again.');
    const after = openStore(storePath);
    try {
      assert.equal(getLead(after, leadId)?.status, 'SUPPRESSED');
      assert.match(String(suppressionReason(after, 'jane@northwind-traders.example')), /unsubscribed \(one-click link\)/);
      assert.equal(getLead(after, bystanderId)?.status, 'NEW');
      assert.equal(suppressionReason(after, 'sam@contoso-shipping.example'), null);
    } finally {
      after.close();
    }
  });
});
