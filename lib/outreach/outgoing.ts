/**
 * What goes on the wire, decided once. `outgoingEmail` turns a lead and its message into a record (envelope,
 * headers, text); `composeMime` turns that record into RFC 5322 bytes. A dry run stores the record; a preview, an
 * .eml export and the live sender all compose from it, so a preview is byte-identical to what a live send transmits.
 */
import { hash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';

export interface Sender {
  name: string;
  email: string;
}

export const DRY_RUN_SENDER: Sender = { name: 'Alex from Leadflow', email: 'outreach@leadflow.example' };

export interface OutgoingEmail {
  envelope: { from: string; to: string };
  headers: {
    From: string;
    To: string;
    Subject: string;
    Date: string;
    'Message-ID': string;
  } & Record<string, string>;
  text: string;
}

/** A deterministic Message-ID: the same (lead, channel, step) from the same sender always gets the same one. */
export function messageIdFor(leadEmail: string, channel: string, step: number, senderEmail: string): string {
  // One-shot hashing (crypto.hash): a dry run computes one per email, and it costs half of createHash's.
  const digest = hash('sha256', `${leadEmail.toLowerCase()}|${channel}|${step}`, 'base64url');
  const domain = senderEmail.slice(senderEmail.lastIndexOf('@') + 1) || 'leadflow.invalid';
  return `<lf.${digest.slice(0, 22)}.${step}@${domain}>`;
}

/** CR or LF in a header value would start a new header: header injection. Fold them to spaces. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

function mailbox(name: string, email: string): string {
  const n = headerSafe(name);
  // Quote the display name when it carries specials; MailComposer encodes non-ASCII.
  return n ? `"${n.replace(/["\\]/g, '\\$&')}" <${email}>` : email;
}

export interface OutgoingInput {
  lead: { email: string; firstName: string; lastName: string };
  message: { channel: string; step: number; subject: string | null; body: string };
  sender: Sender;
  date: Date;
  /** Extra headers (List-Unsubscribe, In-Reply-To …), added by later layers. */
  extraHeaders?: Record<string, string>;
}

export function outgoingEmail(i: OutgoingInput): OutgoingEmail {
  const to = i.lead.email.trim();
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.extraHeaders ?? {})) extra[headerSafe(k)] = headerSafe(v);
  return {
    envelope: { from: i.sender.email, to },
    headers: {
      From: mailbox(i.sender.name, i.sender.email),
      To: mailbox(`${i.lead.firstName} ${i.lead.lastName}`, to),
      Subject: headerSafe(i.message.subject ?? ''),
      Date: i.date.toUTCString(),
      'Message-ID': messageIdFor(to, i.message.channel, i.message.step, i.sender.email),
      ...extra,
    },
    text: normalizeText(i.message.body),
  };
}

/** Line endings on the way in are LF; the composer writes CRLF on the wire. */
function normalizeText(body: string): string {
  return body.replace(/\r\n?/g, '\n');
}

/** Rebuild the record a send stored, so a preview or .eml export composes exactly what was (or would be) sent. */
export function outgoingFromLedger(row: { envelopeFrom: string; envelopeTo: string; headers: string }, body: string): OutgoingEmail {
  return {
    envelope: { from: row.envelopeFrom, to: row.envelopeTo },
    headers: JSON.parse(row.headers) as OutgoingEmail['headers'],
    text: normalizeText(body),
  };
}

/** The exact bytes a live send puts on the wire for this record (CRLF line ends, before dot-stuffing). */
export function composeMime(e: OutgoingEmail): Promise<Buffer> {
  const { From, To, Subject, Date: date, 'Message-ID': messageId, ...rest } = e.headers;
  const composer = new MailComposer({
    from: From,
    to: To,
    subject: Subject,
    date: new Date(date),
    messageId,
    headers: rest,
    text: e.text,
    envelope: e.envelope,
  });
  // MailComposer leaves bare LF in unencoded body lines; SMTP puts CRLF on the wire. Return the wire form.
  return new Promise((resolve, reject) =>
    composer
      .compile()
      .build((err, message) => (err ? reject(err) : resolve(Buffer.from(message.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1')))),
  );
}
