/**
 * The live email transport: nodemailer's SMTP connection, kept open between messages, STARTTLS where offered.
 *
 * Why SMTPConnection and not nodemailer's pooled transport: that pool re-queues a message after a dropped
 * connection on its own (without limit unless told), which could deliver it twice behind the ledger's back. Here
 * every message is one attempt on one of a few pooled sessions, and we know whether the body was handed over when a
 * connection dies — the difference between "retry" and UNKNOWN (see faults.ts).
 */
import { LeadflowError } from '../errors';
import { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { composeMime, configuredSender, type OutgoingEmail, type Sender } from './compose';
import { classifySmtpFault, DeliveryError } from './faults';
import type { EmailTransport } from './drain';

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  secure?: boolean;
  /** With `secure` off, stay plain even when the server offers STARTTLS (nodemailer's `ignoreTLS`). */
  disableStartTls?: boolean;
  /** The name greeted with in EHLO/HELO (nodemailer's `name`); default: this machine's host name. */
  clientHostName?: string;
  user?: string;
  password?: string;
  from: Sender;
  /** Socket timeouts (ms). */
  timeoutMs?: number;
  /** Accept self-signed certificates (local test servers only). */
  allowSelfSigned?: boolean;
  /** Sessions open at once (default 3). */
  maxConnections?: number;
}

export class SmtpSettingsError extends LeadflowError {
  constructor(message: string) {
    super('config', message);
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
    from: configuredSender(fromEmail, env.SMTP_FROM_NAME),
  };
}

export interface SmtpTransport extends EmailTransport {
  /** Connect, greet and log in, then hang up: proves the settings work without sending anything. */
  verify(): Promise<void>;
  close(): void;
}

/** How long a polite hang-up waits for the server to close its side before the socket is destroyed. */
const HANG_UP_GRACE_MS = 1_000;

/**
 * End a session without ever depending on the server. nodemailer's close() only half-closes (FIN) and then waits for
 * the server's FIN: a server that never sends one kept the socket open for good, and with it the process
 * (`send --live --tick` was seen alive over ten minutes after its rows were settled) or, in a long-lived server,
 * one descriptor per session. A healthy idle session says QUIT first and gets a short grace; a broken one (which
 * might be mid-body, where QUIT would be message text) is destroyed at once. Either way the socket is gone within
 * HANG_UP_GRACE_MS, whatever the server does.
 */
function hangUp(c: SMTPConnection, politely: boolean): void {
  // After STARTTLS this is the TLS socket; destroying it destroys the TCP socket under it.
  const socket = (c as unknown as { _socket?: Socket | false })._socket || undefined;
  if (!politely || !socket || socket.destroyed) {
    c.close();
    socket?.destroy();
    return;
  }
  c.quit(); // nodemailer calls close() (a FIN) on the server's reply
  const deadline = setTimeout(() => {
    c.close();
    socket.destroy();
  }, HANG_UP_GRACE_MS);
  socket.once('close', () => clearTimeout(deadline));
}

export function createSmtpTransport(settings: SmtpSettings): SmtpTransport {
  // Loaded here, with the first live transport: a dry run and every process that never sends live do without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Connection = require('nodemailer/lib/smtp-connection') as typeof SMTPConnection;
  const connect = () =>
    new Promise<SMTPConnection>((resolve, reject) => {
      const c = new Connection({
        host: settings.host,
        port: settings.port,
        secure: settings.secure ?? settings.port === 465,
        ignoreTLS: settings.disableStartTls === true,
        ...(settings.clientHostName ? { name: settings.clientHostName } : {}),
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
          c.on('error', () => {}); // later socket errors surface through the send in progress (see deliver)
          c.once('end', () => {
            // An idle connection the server closed is simply forgotten.
            const i = idle.indexOf(c);
            if (i >= 0) {
              idle.splice(i, 1);
              opened--;
            }
          });
          resolve(c);
        };
        if (!settings.user) return ready();
        c.login({ user: settings.user, pass: settings.password ?? '' }, (loginErr) => {
          if (loginErr) {
            settled = true;
            hangUp(c, false);
            return reject(loginErr);
          }
          ready();
        });
      });
    });

  // A small pool: up to maxConnections sessions, each carrying one message at a time.
  const max = Math.max(1, settings.maxConnections ?? 3);
  const idle: SMTPConnection[] = [];
  const waiting: (() => void)[] = [];
  let opened = 0;
  let closed = false;

  const acquire = async (): Promise<SMTPConnection> => {
    for (;;) {
      const c = idle.pop();
      if (c) return c;
      if (opened < max) {
        opened++;
        try {
          return await connect();
        } catch (err) {
          opened--;
          waiting.shift()?.();
          throw err;
        }
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };

  const release = (c: SMTPConnection, healthy: boolean) => {
    if (healthy && !closed) idle.push(c);
    else {
      hangUp(c, healthy);
      opened--;
    }
    waiting.shift()?.();
  };

  return {
    async deliver(mail: OutgoingEmail) {
      const mime = await composeMime(mail);
      let handedOver = false;
      let c: SMTPConnection;
      try {
        c = await acquire();
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
        release(c, true);
        if (info.rejected?.length) throw new DeliveryError('permanent', `recipient rejected: ${info.rejected.join(', ')}`);
        return { response: info.response };
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        // After any failure the session state is unknown: the next message starts on a fresh connection.
        release(c, false);
        throw classifySmtpFault(err, handedOver && (err as { responseCode?: number }).responseCode === undefined);
      }
    },
    async verify() {
      const c = await connect();
      hangUp(c, true);
    },
    close() {
      closed = true;
      for (const c of idle.splice(0)) hangUp(c, true);
      opened = 0;
    },
  };
}
