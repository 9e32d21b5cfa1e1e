/**
 * The Leadflow SMTP credential's connection options, as n8n's own SMTP credential has them, reach a real SMTP
 * session: Disable STARTTLS keeps a plain connection plain although the server offers STARTTLS, and Client Host Name
 * is the name the client greets with (EHLO). Checked through the credential's connection test — the path a live
 * send takes (smtpSettingsFromCredential → createSmtpTransport).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { ICredentialTestFunctions, IDataObject } from 'n8n-workflow';
import { leadflowSmtpConnectionTest } from '../nodes/SendOutreach/smtpCredential.ts';
import { smtpSettingsFromCredential } from '../lib/sending/config';

interface Login {
  /** Whether the session was on TLS (STARTTLS done) when the client logged in. */
  secure: boolean;
  /** The name the client gave in EHLO. */
  greetedAs: string;
}

/** A server that offers STARTTLS (its built-in self-signed certificate) and records each login's session. */
async function startServer(t: TestContext): Promise<{ port: number; logins: Login[] }> {
  const logins: Login[] = [];
  const server = new SMTPServer({
    logger: false,
    allowInsecureAuth: true,
    onAuth(auth, session, callback) {
      logins.push({ secure: session.secure, greetedAs: session.hostNameAppearsAs });
      callback(null, { user: auth.username });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return { port, logins };
}

const check = (data: IDataObject) =>
  leadflowSmtpConnectionTest.call({} as ICredentialTestFunctions, { id: '1', name: 'smtp', type: 'leadflowSmtp', data: data as never });

const credential = (port: number, more: IDataObject = {}): IDataObject => ({
  host: '127.0.0.1', port, secure: false, user: 'alex', password: 'secret', fromEmail: 'alex@sender.test', allowSelfSigned: true, ...more,
});

test('by default the credential upgrades to TLS with STARTTLS before logging in', async (t) => {
  const { port, logins } = await startServer(t);
  assert.equal((await check(credential(port))).status, 'OK');
  assert.equal(logins.length, 1);
  assert.equal(logins[0].secure, true);
});

test('Disable STARTTLS logs in on the plain connection, and Client Host Name is the EHLO name', async (t) => {
  const { port, logins } = await startServer(t);
  assert.equal((await check(credential(port, { disableStartTls: true, hostName: 'mailer.sender.test' }))).status, 'OK');
  assert.deepEqual(logins, [{ secure: false, greetedAs: 'mailer.sender.test' }]);
});

test('Disable STARTTLS means nothing with SSL/TLS on, as in n8n\'s own SMTP credential', () => {
  const settings = smtpSettingsFromCredential({ host: 'smtp.sender.test', port: 465, secure: true, disableStartTls: true, fromEmail: 'alex@sender.test' });
  assert.equal(settings.secure, true);
  assert.equal(settings.disableStartTls, false);
  assert.equal(settings.clientHostName, undefined);
});
