/**
 * Through the n8n nodes as a user builds it: send a dry run first (the node's default), then turn Dry Run off. The
 * live outcome — delivered, refused, deferred, dropped after DATA — is what each lead's status and the Outreach
 * Metrics funnel then say, never the dry run's SENT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IDataObject } from 'n8n-workflow';
import { openStore } from '../lib';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { OutreachMetrics } from '../nodes/OutreachMetrics/OutreachMetrics.node.ts';
import { runNode } from './support/n8nEngine';
import { startSmtp } from './support/smtpServer';
import { COMPLIANCE, LIVE_TEST_DOMAIN } from './support/liveLeads';
import { tempStorePath } from './support/tmp';

process.env.LEADFLOW_SECRET ??= COMPLIANCE.secret;

const address = (i: number) => `r${i}@${LIVE_TEST_DOMAIN}`;
const STATUS_FOR: Record<string, string> = { SENT: 'SENT', FAILED: 'FAILED', QUEUED: 'MESSAGED', UNKNOWN: 'MESSAGED' };

test('after a dry run, a live Send Outreach with faults leaves statuses and the funnel matching the live ledger', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const storePath = tempStorePath(t);
  const people = Array.from({ length: 5 }, (_, i) => ({ email: address(i), name: `Rae Doe${i}`, title: 'CTO', company: 'Test Co', website: `https://${LIVE_TEST_DOMAIN}`, country: 'Germany' }));
  await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: people });
  await runNode(new EnrichLeads(), { parameters: { storePath } });
  await runNode(new PersonalizeMessages(), { parameters: { storePath } });
  const dry = await runNode(new SendOutreach(), { parameters: { storePath } });
  assert.equal(dry.error, undefined);

  smtp.faults.set(address(1), [{ at: 'rcpt', code: 550, message: '550 5.1.1 no such user' }]);
  smtp.faults.set(address(2), [{ at: 'rcpt', code: 451, message: '451 4.7.1 try again later' }]);
  smtp.faults.set(address(3), [{ at: 'drop-after-data' }]);
  const credential = { host: '127.0.0.1', port: smtp.port, secure: false, user: '', password: '', fromName: 'Alex Smith', fromEmail: 'alex@sender.leadflow-test.net' };
  const live = await runNode(new SendOutreach(), {
    parameters: { storePath, dryRun: false, mode: 'tick', ratePerMinute: 0, dailyCap: 0, unsubscribeBaseUrl: COMPLIANCE.unsubscribeBaseUrl, postalAddress: COMPLIANCE.postalAddress },
    credentials: { leadflowSmtp: credential },
    input: people.map((p) => ({ email: p.email })),
  });
  assert.equal(live.error, undefined);
  assert.equal(live.items.length, 5);

  const store = openStore(storePath);
  t.after(() => store.close());
  const rows = store
    .stmt('SELECT l.email, l.status, s.state FROM leads l JOIN sends s ON s.lead_id = l.id AND s.dry_run = 0 ORDER BY l.email')
    .all() as { email: string; status: string; state: string }[];
  assert.deepEqual(rows.map((r) => r.state).sort(), ['FAILED', 'QUEUED', 'SENT', 'SENT', 'UNKNOWN']);
  for (const r of rows) assert.equal(r.status, STATUS_FOR[r.state], `${r.email}: status ${r.status} for a live ${r.state} send`);

  const metrics = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'funnel' } });
  const json = metrics.items[0].json as IDataObject & { funnel: { stage: string; leads: number }[]; leads: { byStatus: Record<string, number> } };
  assert.equal(json.funnel.find((f) => f.stage === 'sent')?.leads, 2, 'the funnel counts the two live deliveries, not the five dry-run records');
  assert.equal(json.leads.byStatus.SENT, 2);
});
