import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { openStore, countSendsByState } from '../lib';
import { DEFAULT_LIMITS } from '../lib/sending/limits';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { runNode } from './support/n8nEngine';
import { startSmtp, type TestSmtp } from './support/smtpServer';
import { tempStorePath } from './support/tmp';

process.env.LEADFLOW_SECRET ??= 'a-test-secret-of-at-least-16-chars';

const leadflow = (item: INodeExecutionData) => item.json.leadflow as { outcome: string; reason?: string };

/** Five real-looking (not synthetic) leads, messaged and ready to send, in a fresh store. */
async function fiveMessagedLeads(t: TestContext): Promise<{ storePath: string; smtp: TestSmtp; credential: ICredentialDataDecryptedObject }> {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const storePath = tempStorePath(t);
  const people = ['ana', 'ben', 'cy', 'dee', 'eli'].map((name, i) => ({
    email: `${name}@company-${i}.com`, name: `${name[0].toUpperCase()}${name.slice(1)} Doe`, title: 'CTO', company: `Company ${i}`, country: 'Germany',
  }));
  const imported = await runNode(new GenerateLeads(), { parameters: { storePath, mode: 'import' }, input: people });
  assert.equal(imported.items.length, 5);
  await runNode(new EnrichLeads(), { parameters: { storePath } });
  await runNode(new PersonalizeMessages(), { parameters: { storePath } });
  const credential = { host: '127.0.0.1', port: smtp.port, secure: false, fromName: 'Alex Smith', fromEmail: 'alex@sender-company.com' };
  return { storePath, smtp, credential };
}

const live = (storePath: string, more: INodeParameters): INodeParameters => ({
  storePath, dryRun: false, unsubscribeBaseUrl: 'https://n8n.sender-company.com/webhook/leadflow-unsubscribe', postalAddress: '1 Test Street, Testville', ...more,
});

function sendStates(storePath: string) {
  const store = openStore(storePath);
  try {
    return countSendsByState(store).byState;
  } finally {
    store.close();
  }
}

test('a tick with a rate of 3 per minute sends 3 live emails and leaves the rest queued, saying which limit held them', async (t) => {
  const { storePath, smtp, credential } = await fiveMessagedLeads(t);
  const { items, error } = await runNode(new SendOutreach(), { parameters: live(storePath, { mode: 'tick', ratePerMinute: 3 }), credentials: { leadflowSmtp: credential } });
  assert.equal(error, undefined);
  assert.equal(smtp.received.length, 3, 'three messages reached the SMTP server');
  assert.deepEqual(items.map((i) => leadflow(i).outcome).sort(), ['queued', 'queued', 'sent', 'sent', 'sent']);
  for (const item of items.filter((i) => leadflow(i).outcome === 'queued')) {
    assert.equal(leadflow(item).reason, 'still queued: rate limit of 3/min');
    assert.equal((item.json.tick as IDataObject).stillQueued, 2);
  }
  assert.deepEqual(sendStates(storePath), { SENT: 3, QUEUED: 2 });

  const again = await runNode(new SendOutreach(), { parameters: live(storePath, { mode: 'tick', ratePerMinute: 3 }), credentials: { leadflowSmtp: credential } });
  assert.equal(smtp.received.length, 3, 'the next tick within the minute finds the rate spent');
  assert.equal(again.items.filter((i) => leadflow(i).outcome === 'queued').length, 2);
});

test('a daily cap of 2 lets two live emails out and keeps the rest for tomorrow', async (t) => {
  const { storePath, smtp, credential } = await fiveMessagedLeads(t);
  const { items } = await runNode(new SendOutreach(), { parameters: live(storePath, { dailyCap: 2 }), credentials: { leadflowSmtp: credential } });
  assert.equal(smtp.received.length, 2);
  assert.match(String(leadflow(items.find((i) => leadflow(i).outcome === 'queued')!).reason), /daily cap of 2 for alex@sender-company\.com/);
});

test('with Max Retries 0 a transient SMTP failure fails the send at once instead of requeueing it', async (t) => {
  const { storePath, smtp, credential } = await fiveMessagedLeads(t);
  smtp.faults.set('ana@company-0.com', [{ at: 'rcpt', code: 451, message: '451 try again later' }]);
  const { items } = await runNode(new SendOutreach(), { parameters: live(storePath, { maxRetries: 0 }), credentials: { leadflowSmtp: credential } });
  const ana = items.find((i) => i.json.email === 'ana@company-0.com')!;
  assert.equal(leadflow(ana).outcome, 'failed');
  assert.equal(smtp.received.length, 4);
});

test('outside the send window no live email leaves, and every lead stays queued saying so', async (t) => {
  const { storePath, smtp, credential } = await fiveMessagedLeads(t);
  // An hour-long window two hours from now, every day: closed now, whatever the date.
  const start = (new Date().getUTCHours() + 2) % 24;
  const sendWindow = `Sun-Sat ${String(start).padStart(2, '0')}-${String(start + 1).padStart(2, '0')} UTC`;
  const { items, error } = await runNode(new SendOutreach(), { parameters: live(storePath, { sendWindow }), credentials: { leadflowSmtp: credential } });
  assert.equal(error, undefined);
  assert.equal(smtp.received.length, 0);
  assert.deepEqual(items.map((i) => [leadflow(i).outcome, leadflow(i).reason]), Array(5).fill(['queued', 'still queued: outside the send window']));
  assert.deepEqual(sendStates(storePath), { QUEUED: 5 });
});

test('a send window lib cannot read fails the node with an example, and nothing is sent', async (t) => {
  const { storePath, smtp, credential } = await fiveMessagedLeads(t);
  const { error } = await runNode(new SendOutreach(), { parameters: live(storePath, { sendWindow: 'weekdays 9 to 5' }), credentials: { leadflowSmtp: credential } });
  assert.match(String(error), /Send Window: send window "weekdays 9 to 5" is not understood: write it like "Mon-Fri 09-17 Europe\/Berlin"/);
  assert.equal(smtp.received.length, 0);
  assert.deepEqual(sendStates(storePath), {});
});

test("the node's limit defaults are lib's DEFAULT_LIMITS, with 2 retries", () => {
  const props = Object.fromEntries(new SendOutreach().description.properties.map((p) => [p.name, p.default]));
  assert.deepEqual([props.ratePerMinute, props.dailyCap, props.maxRetries, props.sendWindow], [DEFAULT_LIMITS.ratePerMinute, DEFAULT_LIMITS.dailyCap, 2, '']);
});
