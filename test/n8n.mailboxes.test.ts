/**
 * Several mailboxes in n8n, through n8n's execution engine: one Leadflow SMTP credential per mailbox, one Send
 * Outreach node per credential. Each node sends what its campaign assigned to its mailbox, within that mailbox's cap,
 * and a node whose credential is none of the campaign's mailboxes sends nothing and says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { IDataObject } from 'n8n-workflow';
import { openStore } from '../lib';
import { saveCampaign } from '../lib/campaigns/campaigns';
import { parseCampaignText, type CampaignSpecInput } from '../lib/campaigns/spec';
import { importRows } from '../lib/leads/importLeads';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { runNode } from './support/n8nEngine';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN } from './support/liveLeads';
import { tempStorePath } from './support/tmp';

const CAMPAIGN_FILE = join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml');

process.env.LEADFLOW_SECRET ??= 'a-test-secret-of-at-least-16-chars';

test('one Send Outreach node per SMTP credential: each sends its mailbox\'s share within its cap; a mailbox the campaign does not name sends nothing', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const storePath = tempStorePath(t);
  const store = openStore(storePath);
  t.after(() => store.close());
  const spec = parseCampaignText(readFileSync(CAMPAIGN_FILE, 'utf8'), CAMPAIGN_FILE) as CampaignSpecInput;
  spec.mailboxes = [
    { address: 'anna@tillpoint-mail.test', dailyCap: 2 },
    { address: 'ben@tillpoint-mail.test', name: 'Ben Ortiz', dailyCap: 1 },
  ];
  await saveCampaign(store, spec, { state: 'active' });
  const rows = Array.from({ length: 5 }, (_, i) => ({ email: `m${i}@${LIVE_TEST_DOMAIN}`, first_name: `M${i}`, company: `Co ${i}`, title: 'CFO', website: `https://${LIVE_TEST_DOMAIN}` }));
  await importRows(store, rows, { source: 'test', campaign: 'payroll-restaurants' });
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });

  const credential = (fromEmail: string) => ({ host: '127.0.0.1', port: smtp.port, secure: false, fromEmail, fromName: '' });
  const send = (fromEmail: string) =>
    runNode(new SendOutreach(), {
      parameters: {
        storePath, dryRun: false, mode: 'sendAll', campaign: 'payroll-restaurants',
        unsubscribeBaseUrl: 'https://n8n.tillpoint.test/webhook/leadflow-unsubscribe', postalAddress: '1 Dock St, Leith',
      },
      credentials: { leadflowSmtp: credential(fromEmail) },
    });

  const stranger = await send('carl@tillpoint-mail.test');
  assert.equal(stranger.error, undefined);
  assert.equal(smtp.received.length, 0, 'a mailbox the campaign does not name sends none of it');
  const held = stranger.items.map((i) => i.json.leadflow as IDataObject);
  assert.ok(held.length > 0 && held.every((o) => o.outcome === 'queued'), JSON.stringify(held));
  assert.match(String(held[0].reason), /campaign "payroll-restaurants" sends from anna@tillpoint-mail\.test, ben@tillpoint-mail\.test, and no SMTP account here is one of them/);

  const anna = await send('anna@tillpoint-mail.test');
  assert.equal(anna.error, undefined);
  assert.equal(smtp.received.length, 2, 'anna sends up to her cap of 2');
  const ben = await send('ben@tillpoint-mail.test');
  assert.equal(ben.error, undefined);
  assert.equal(smtp.received.length, 3, 'ben up to his cap of 1');
  const again = await send('anna@tillpoint-mail.test');
  assert.equal(smtp.received.length, 3, 'and anna has nothing left today');
  assert.match(JSON.stringify(again.items.map((i) => i.json.leadflow)), /daily cap of 2 for anna@tillpoint-mail\.test/);

  const froms = await Promise.all(smtp.received.map(async (m) => (await simpleParser(m.raw)).from?.text));
  assert.deepEqual(froms, ['"Maria Chen" <anna@tillpoint-mail.test>', '"Maria Chen" <anna@tillpoint-mail.test>', '"Ben Ortiz" <ben@tillpoint-mail.test>']);
  assert.deepEqual(smtp.received.map((m) => m.from), ['anna@tillpoint-mail.test', 'anna@tillpoint-mail.test', 'ben@tillpoint-mail.test']);
  const onMailbox = store.stmt("SELECT mailbox, count(*) AS n FROM sends WHERE state = 'SENT' GROUP BY mailbox ORDER BY mailbox").all();
  assert.deepEqual(onMailbox.map((r) => [r.mailbox, r.n]), [['anna@tillpoint-mail.test', 2], ['ben@tillpoint-mail.test', 1]]);
});
