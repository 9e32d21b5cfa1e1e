/**
 * The Leadflow SMTP credential's connection test: lib reads the credential (`smtpSettingsFromCredential`), and lib's
 * SMTP transport connects, negotiates TLS and logs in, then hangs up — the same code path a live send takes, so a
 * passing test means sending will connect.
 */
import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';
import { createSmtpTransport } from '../../lib/sending/smtp';
import { smtpSettingsFromCredential } from '../../lib/sending/config';

export async function leadflowSmtpConnectionTest(
  this: ICredentialTestFunctions,
  credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
  let transport;
  try {
    transport = createSmtpTransport(smtpSettingsFromCredential(credential.data ?? {}));
    await transport.verify();
    return { status: 'OK', message: 'Connection successful: the server accepted the login' };
  } catch (err) {
    return { status: 'Error', message: (err as Error).message };
  } finally {
    transport?.close();
  }
}
