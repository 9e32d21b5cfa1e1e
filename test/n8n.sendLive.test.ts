import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { ICredentialTestFunctions, IDataObject } from 'n8n-workflow';
import { openStore, getLeadByEmail, suppressionReason } from '../lib';
import { GenerateLeads } from '../nodes/GenerateLeads/GenerateLeads.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { PersonalizeMessages } from '../nodes/PersonalizeMessages/PersonalizeMessages.node.ts';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { leadflowSmtpConnectionTest } from '../nodes/SendOutreach/smtpCredential.ts';
import { runNode } from './support/n8nEngine';
import { tempStorePath } from './support/tmp';

/** A real SMTP server in this process: it checks the login and keeps what it receives. */
async function startSmtp(t: import('node:test').TestContext) {
  const received: { to: string[]; data: string }[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, done) {
      if (auth.username === 'alex' && auth.password === 'right-password') return done(null, { user: 'alex' });
      return done(new Error('Invalid username or password'));
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.server.address() as AddressInfo).port;
  const credential = { host: '127.0.0.1', port, secure: false, user: 'alex', password: 'right-password', fromName: 'Alex Smith', fromEmail: 'alex@sender.test' };
  return { received, credential };
}

const outcome = (json: IDataObject) => (json.leadflow as { outcome: string; reason?: string });

process.env.LEADFLOW_SECRET ??= 'a-test-secret-of-at-least-16-chars';

test('Send Outreach with Dry Run off delivers real SMTP to the credential\'s server, and never to a synthetic lead', async (t) => {
  const { received, credential } = await startSmtp(t);
  const storePath = tempStorePath(t);
  await runNode(new GenerateLeads(), {
    parameters: { storePath, mode: 'import' },
    input: [{ email: 'jane@northwind-traders.com', name: 'Jane Doe', title: 'CTO', company: 'Northwind Traders', country: 'Germany' }],
  });
  await runNode(new GenerateLeads(), { parameters: { storePath, count: 1 } });
  await runNode(new EnrichLeads(), { parameters: { storePath } });
  await runNode(new PersonalizeMessages(), { parameters: { storePath } });
  const { items, error } = await runNode(new SendOutreach(), {
    parameters: { storePath, dryRun: false, mode: 'sendAll', unsubscribeBaseUrl: 'https://n8n.sender.test/webhook/leadflow-unsubscribe', postalAddress: '1 Test Street, Testville' },
    credentials: { leadflowSmtp: credential },
  });
  assert.equal(error, undefined);
  const byEmail = Object.fromEntries(items.map((i) => [String(i.json.email), outcome(i.json)]));
  assert.equal(byEmail['jane@northwind-traders.com'].outcome, 'sent');
  const synthetic = Object.keys(byEmail).find((e) => e.endsWith('.example'))!;
  assert.equal(byEmail[synthetic].outcome, 'skipped');
  assert.match(String(byEmail[synthetic].reason), /synthetic lead/);
  assert.deepEqual(received.map((m) => m.to), [['jane@northwind-traders.com']]);
  assert.match(received[0].data, /^From: Alex Smith <alex@sender\.test>/m);
  assert.match(received[0].data, /^List-Unsubscribe:\s+<https:\/\/n8n\.sender\.test\/webhook\/leadflow-unsubscribe\?token=/m);
});

test('the SMTP credential test logs in to a real server and reports a wrong password as the server says it', async (t) => {
  const { credential } = await startSmtp(t);
  const check = (data: IDataObject) => leadflowSmtpConnectionTest.call({} as ICredentialTestFunctions, { id: '1', name: 'smtp', type: 'leadflowSmtp', data: data as never });
  assert.deepEqual(await check(credential), { status: 'OK', message: 'Connection successful: the server accepted the login' });
  const wrong = await check({ ...credential, password: 'wrong' });
  assert.equal(wrong.status, 'Error');
  assert.match(wrong.message, /Invalid username or password/);
  const noHost = await check({ ...credential, host: '' });
  assert.match(noHost.message, /no host: open it and fill in Host/);
});

test('Record Event marks a reply REPLIED and an unsubscribe suppresses the address', async (t) => {
  const storePath = tempStorePath(t);
  const { items } = await runNode(new GenerateLeads(), { parameters: { storePath, count: 2 } });
  const [first, second] = items.map((i) => String(i.json.email));
  const reply = await runNode(new SendOutreach(), {
    parameters: { storePath, operation: 'recordEvent', eventType: 'reply', email: '={{ $json.email }}' },
    input: [{ email: first }],
  });
  assert.equal(reply.error, undefined);
  assert.equal(reply.items[0].json.status, 'REPLIED');
  const unsubscribe = await runNode(new SendOutreach(), {
    parameters: { storePath, operation: 'recordEvent', eventType: 'unsubscribe', email: second },
  });
  assert.equal(unsubscribe.items[0].json.status, 'SUPPRESSED');
  const store = openStore(storePath);
  t.after(() => store.close());
  assert.equal(getLeadByEmail(store, first)?.status, 'REPLIED');
  assert.match(String(suppressionReason(store, second)), /suppressed/);
});

test('Record Event with no lead given fails and names the fields to set', async (t) => {
  const { error } = await runNode(new SendOutreach(), { parameters: { storePath: tempStorePath(t), operation: 'recordEvent', eventType: 'bounce' } });
  assert.match(String(error), /no lead given for this bounce: set Lead Email or Lead ID, or Raw Message/);
});
