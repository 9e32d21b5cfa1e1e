/**
 * Reading a mailbox outside n8n: `recordInbound` takes one message as received (RFC 822 source), tells a bounce from
 * a reply by the same rule as the bundled inbox workflow (a delivery report, RFC 3464, or mail from the mailer daemon
 * is a bounce; anything else is a reply), and records it through `recordEvent` — once: the Message-ID is kept
 * (inbound_messages), so reading the same mailbox again, or two readers at once, records nothing twice.
 * `readInbox` fetches a mailbox over IMAP (imapflow) and hands each message to it.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { LeadflowError } from '../errors';
import type { Db } from '../store/db';
import { recordEvent, type EventResult } from './events';
import type { GroqClient } from '../llm/client';

export type InboundKind = 'reply' | 'bounce';

export function inboundKind(parsed: ParsedMail): InboundKind {
  const type = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const report = type?.value?.toLowerCase() === 'multipart/report' && /delivery-status/i.test(type.params?.['report-type'] ?? '');
  const statusPart = parsed.attachments.some((a) => /delivery-status/i.test(a.contentType));
  const returnPath = parsed.headers.get('return-path') as { text?: string } | string | undefined;
  const from = `${parsed.from?.text ?? ''} ${typeof returnPath === 'string' ? returnPath : (returnPath?.text ?? '')}`;
  return report || statusPart || /(mailer-daemon|postmaster)@/i.test(from) ? 'bounce' : 'reply';
}

export type InboundOutcome =
  | { messageId: string; outcome: 'recorded'; kind: InboundKind; event: EventResult }
  | { messageId: string; outcome: 'already_recorded'; kind: InboundKind }
  | { messageId: string; outcome: 'not_ours'; kind: InboundKind; reason: string };

/** Record one received message, once. A message about nobody in the store is told back, not thrown. */
export async function recordInbound(store: Db, raw: string | Buffer, o: { ai?: GroqClient } = {}): Promise<InboundOutcome> {
  const parsed = await simpleParser(raw);
  const kind = inboundKind(parsed);
  const messageId = parsed.messageId?.trim() || `(no Message-ID, ${parsed.date?.toISOString() ?? 'undated'}, ${parsed.from?.text ?? 'unknown sender'})`;
  if (await store.get('SELECT 1 FROM inbound_messages WHERE message_id = ?', [messageId])) return { messageId, outcome: 'already_recorded', kind };
  let event: EventResult;
  try {
    event = await recordEvent(store, { type: kind, raw, ai: o.ai });
  } catch (err) {
    if (err instanceof LeadflowError && err.kind === 'input') return { messageId, outcome: 'not_ours', kind, reason: err.message };
    throw err;
  }
  await store.run('INSERT INTO inbound_messages (message_id, kind, lead_id, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
    messageId, kind, event.leadId, new Date().toISOString(),
  ]);
  return { messageId, outcome: 'recorded', kind, event };
}

export interface ImapSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 993); false: plain, upgraded with STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  /** Accept a self-signed certificate (a local test server). */
  allowSelfSigned?: boolean;
}

/** IMAP settings from IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD, IMAP_TLS, IMAP_MAILBOX; null when IMAP_HOST is unset. */
export function imapSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ImapSettings | null {
  const host = env.IMAP_HOST?.trim();
  if (!host) return null;
  const secure = (env.IMAP_TLS ?? 'true').trim().toLowerCase() !== 'false';
  const port = Number(env.IMAP_PORT ?? (secure ? 993 : 143));
  const user = env.IMAP_USER?.trim() ?? '';
  const password = env.IMAP_PASSWORD ?? '';
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LeadflowError('config', `IMAP_PORT "${env.IMAP_PORT}" is not a port number`);
  if (!user || !password) throw new LeadflowError('config', 'reading a mailbox needs IMAP_USER and IMAP_PASSWORD (with IMAP_HOST)');
  return { host, port, secure, user, password, mailbox: env.IMAP_MAILBOX?.trim() || 'INBOX' };
}

export interface InboxReport {
  mailbox: string;
  read: number;
  outcomes: InboundOutcome[];
}

/** Fetch every message of the mailbox and record each (once). Nothing on the server is changed. */
export async function readInbox(store: Db, s: ImapSettings, o: { ai?: GroqClient } = {}): Promise<InboxReport> {
  const client = new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.secure,
    auth: { user: s.user, pass: s.password },
    logger: false,
    tls: s.allowSelfSigned ? { rejectUnauthorized: false } : undefined,
  });
  try {
    await client.connect();
  } catch (err) {
    throw new LeadflowError('transient', `cannot log in to ${s.host}:${s.port} as ${s.user}: ${(err as Error).message}`);
  }
  const report: InboxReport = { mailbox: s.mailbox, read: 0, outcomes: [] };
  try {
    const lock = await client.getMailboxLock(s.mailbox);
    try {
      const sources: Buffer[] = [];
      const exists = client.mailbox ? client.mailbox.exists : 0;
      if (exists > 0) for await (const message of client.fetch('1:*', { source: true })) if (message.source) sources.push(message.source);
      for (const source of sources) {
        report.read++;
        report.outcomes.push(await recordInbound(store, source, o));
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return report;
}
