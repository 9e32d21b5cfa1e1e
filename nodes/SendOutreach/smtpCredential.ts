/**
 * The Leadflow SMTP credential as lib's SmtpSettings, and its connection test: lib's SMTP transport connects,
 * negotiates TLS and logs in, then hangs up — the same code path a live send takes, so a passing test means sending
 * will connect.
 */
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';
import { createSmtpTransport, type SmtpSettings } from '../../lib/outreach/smtp';
import { configuredSender } from '../../lib/outreach/outgoing';

export function smtpSettingsFromCredential(c: ICredentialDataDecryptedObject): SmtpSettings {
  const host = String(c.host ?? '').trim();
  if (!host) throw new Error('the Leadflow SMTP credential has no host: open it and fill in Host');
  const fromEmail = String(c.fromEmail ?? '').trim();
  if (!fromEmail) throw new Error('the Leadflow SMTP credential has no From Email: fill in the mailbox you send from');
  const port = Number(c.port ?? 587);
  return {
    host,
    port,
    secure: c.secure === true,
    user: String(c.user ?? '').trim() || undefined,
    password: String(c.password ?? '') || undefined,
    from: configuredSender(fromEmail, String(c.fromName ?? '')),
    allowSelfSigned: c.allowSelfSigned === true,
    timeoutMs: 15_000,
  };
}

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
