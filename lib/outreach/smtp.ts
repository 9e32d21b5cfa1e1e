/**
 * The live email transport: nodemailer's SMTP connection, kept open between messages, STARTTLS where offered.
 *
 * Why SMTPConnection and not the pooled transport: the pool re-queues a message after a dropped connection on its
 * own (without limit unless told), which could deliver it twice behind the ledger's back. Here every message is one
 * attempt, and we know whether the body was handed over when a connection dies — the difference between "retry"
 * and UNKNOWN (see faults.ts).
 */
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { composeMime, type OutgoingEmail, type Sender } from './outgoing';
import { classifySmtpFault, DeliveryError } from './faults';
import type { EmailTransport } from './send';

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  secure?: boolean;
  user?: string;
  password?: string;
  from: Sender;
  /** Socket timeouts (ms). */
  timeoutMs?: number;
  /** Accept self-signed certificates (local test servers only). */
  allowSelfSigned?: boolean;
}

export class SmtpSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmtpSettingsError';
  }
}

/** SMTP settings from the original design's environment names, or null when SMTP_HOST is not set. */
export function smtpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | null {
  const host = env.SMTP_HOST?.trim();
  if (!host) return null;
  const port = Number(env.SMTP_PORT ?? 587);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SmtpSettingsError(`SMTP_PORT must be a port number (1-65535), got "${env.SMTP_PORT}"`);
  }
  const fromEmail = env.SMTP_FROM_EMAIL?.trim();
  if (!fromEmail) throw new SmtpSettingsError('SMTP_FROM_EMAIL is not set: set it to the mailbox you send from');
  return {
    host,
    port,
    secure: env.SMTP_SECURE ? env.SMTP_SECURE === 'true' : port === 465,
    user: env.SMTP_USERNAME?.trim() || undefined,
    password: env.SMTP_PASSWORD || undefined,
    from: { name: env.SMTP_FROM_NAME?.trim() || fromEmail, email: fromEmail },
  };
}

export interface SmtpTransport extends EmailTransport {
  /** Connect, greet and log in, then hang up: proves the settings work without sending anything. */
  verify(): Promise<void>;
  close(): void;
}

export function createSmtpTransport(settings: SmtpSettings): SmtpTransport {
  let open: Promise<SMTPConnection> | null = null;

  const connect = () =>
    new Promise<SMTPConnection>((resolve, reject) => {
      const c = new SMTPConnection({
        host: settings.host,
        port: settings.port,
        secure: settings.secure ?? settings.port === 465,
        connectionTimeout: settings.timeoutMs ?? 30_000,
        greetingTimeout: settings.timeoutMs ?? 30_000,
        socketTimeout: settings.timeoutMs ?? 60_000,
        tls: settings.allowSelfSigned ? { rejectUnauthorized: false } : undefined,
      });
      let settled = false;
      c.once('error', (err) => {
        if (!settled) {
          settled = true;
          reject(err);
        }
      });
      c.connect((err) => {
        if (err) {
          settled = true;
          return reject(err);
        }
        const ready = () => {
          settled = true;
          c.on('error', () => {}); // later socket errors surface through send()'s callback
          c.once('end', () => {
            if (open && current === c) open = null;
          });
          current = c;
          resolve(c);
        };
        if (!settings.user) return ready();
        c.login({ user: settings.user, pass: settings.password ?? '' }, (loginErr) => {
          if (loginErr) {
            settled = true;
            c.close();
            return reject(loginErr);
          }
          ready();
        });
      });
    });
  let current: SMTPConnection | null = null;

  const connection = () => (open ??= connect().catch((err) => ((open = null), Promise.reject(err))));

  const drop = () => {
    current?.close();
    current = null;
    open = null;
  };

  return {
    async deliver(mail: OutgoingEmail) {
      const mime = await composeMime(mail);
      let handedOver = false;
      let c: SMTPConnection;
      try {
        c = await connection();
      } catch (err) {
        throw classifySmtpFault(err, false);
      }
      const body = Readable.from([mime]);
      body.once('end', () => (handedOver = true));
      try {
        const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
          // A dropped socket or a timeout is reported as an 'error'/'end' event, not through send()'s callback.
          const lost = (err?: Error) => reject(err ?? Object.assign(new Error('connection closed'), { code: 'ECONNECTION' }));
          c.once('error', lost);
          c.once('end', lost);
          c.send({ from: mail.envelope.from, to: mail.envelope.to }, body, (err, result) => {
            c.off('error', lost);
            c.off('end', lost);
            if (err) reject(err);
            else resolve(result);
          });
        });
        if (info.rejected?.length) throw new DeliveryError('permanent', `recipient rejected: ${info.rejected.join(', ')}`);
        return { response: info.response };
      } catch (err) {
        const fault = classifySmtpFault(err, handedOver && (err as { responseCode?: number }).responseCode === undefined);
        // After any failure the session state is unknown: start the next message on a fresh connection.
        drop();
        throw fault;
      }
    },
    async verify() {
      const c = await connection();
      void c;
      drop();
    },
    close: drop,
  };
}
