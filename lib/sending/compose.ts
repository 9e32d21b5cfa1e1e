/**
 * What goes on the wire, decided once. `outgoingEmail` turns a lead and its message into a record (envelope,
 * headers, text); `composeMime` turns that record into RFC 5322 bytes. A dry run stores the record; a preview, an
 * .eml export and the live sender all compose from it, so a preview is byte-identical to what a live send transmits.
 *
 * What a recipient's client shows is what we meant: no header value carries a line break, a control or an invisible
 * format character, and text that looks like a MIME encoded-word (`=?UTF-8?B?…?=`) is itself encoded, so a client
 * decodes it once, to the literal text, and never into extra headers. A message is signed by whoever sends it:
 * copy drafted with the demo sign-off names the sender it goes out as.
 */
import { hash } from 'node:crypto';
import type MailComposer from 'nodemailer/lib/mail-composer';
import { visibleLine } from '../leads/invisibleCharacters';
import { DEFAULT_SENDER_NAME } from '../personalize/templates';

export interface Sender {
  name: string;
  email: string;
}

/** Who a dry run sends as; its name is the one drafts are signed with unless told otherwise. */
export const DRY_RUN_SENDER: Sender = { name: DEFAULT_SENDER_NAME, email: 'outreach@leadflow.example' };

/**
 * The sender a live send goes out as, from configuration (SMTP_FROM_NAME/SMTP_FROM_EMAIL, the n8n credential): the
 * configured name on one visible line, or, without one, the from address's local part — never the demo sender.
 */
export function configuredSender(email: string, name?: string): Sender {
  const address = email.trim();
  const named = visibleLine(name ?? '').replace(/\s+/g, ' ');
  return { name: named || address.slice(0, Math.max(0, address.lastIndexOf('@'))) || address, email: address };
}

// Drafts end "Best,\n<sender>\n\n<opt-out line>" (templates, AI copy and follow-ups alike).
const DEMO_SIGN_OFF = `\nBest,\n${DEFAULT_SENDER_NAME}\n`;

/**
 * The body signed by `name`: copy drafted with the demo sign-off gets the sender's name instead; copy signed with a
 * name someone chose keeps it. Applied when a record is made and again when a stored record is rebuilt, from the
 * name in its From header, so a preview stays byte-identical to the wire.
 */
export function signedBy(body: string, name: string): string {
  if (!name || name === DEFAULT_SENDER_NAME) return body;
  const at = body.lastIndexOf(DEMO_SIGN_OFF);
  if (at < 0) return body;
  return `${body.slice(0, at)}\nBest,\n${name}\n${body.slice(at + DEMO_SIGN_OFF.length)}`;
}

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

/**
 * CR or LF in a header value would start a new header (header injection); NEL, LS and PS break the line a client
 * shows, and format characters reorder or hide text. Fold the breaks and controls to spaces, drop the rest.
 */
function headerSafe(value: string): string {
  return visibleLine(value);
}

/** `"Display Name" <address>`, or the bare address; `name` is already headerSafe. */
function mailbox(name: string, email: string): string {
  // Quote the display name when it carries specials; MailComposer encodes non-ASCII.
  return name ? `"${name.replace(/["\\]/g, '\\$&')}" <${email}>` : email;
}

const QUOTED_MAILBOX = /^"((?:[^"\\]|\\.)*)" <([^<>]*)>$/;

/** The display name and address of a mailbox() value; no name for a bare address. */
function parseMailbox(value: string): { name: string; address: string } {
  const m = QUOTED_MAILBOX.exec(value);
  return m ? { name: m[1].replace(/\\(.)/g, '$1'), address: m[2] } : { name: '', address: value };
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
  const senderName = headerSafe(i.sender.name);
  return {
    envelope: { from: i.sender.email, to },
    headers: {
      From: mailbox(senderName, i.sender.email),
      To: mailbox(headerSafe(`${i.lead.firstName} ${i.lead.lastName}`), to),
      Subject: headerSafe(i.message.subject ?? ''),
      Date: i.date.toUTCString(),
      'Message-ID': messageIdFor(to, i.message.channel, i.message.step, i.sender.email),
      ...extra,
    },
    // Signed by the name the From header shows, which is what outgoingFromLedger reads back.
    text: normalizeText(signedBy(i.message.body, senderName)),
  };
}

/** Line endings on the way in are LF; the composer writes CRLF on the wire. */
function normalizeText(body: string): string {
  return body.replace(/\r\n?/g, '\n');
}

/** Rebuild the record a send stored, so a preview or .eml export composes exactly what was (or would be) sent. */
export function outgoingFromLedger(row: { envelopeFrom: string; envelopeTo: string; headers: OutgoingEmail['headers'] }, body: string): OutgoingEmail {
  const { headers } = row;
  return {
    envelope: { from: row.envelopeFrom, to: row.envelopeTo },
    headers,
    text: normalizeText(signedBy(body, parseMailbox(headers.From).name)),
  };
}

// "=?" opens an RFC 2047 encoded-word. Nodemailer encodes non-ASCII text but passes pure ASCII through, so
// "=?UTF-8?B?QWNtZQ0KQmNjOiBldmlsQGV2aWwuY29t?=" would reach the client as is and be shown as "Acme⏎Bcc: evil@…".
const ENCODED_WORD_OPENER = '=?';
// 45 bytes of UTF-8 make 60 base64 characters: with "=?UTF-8?B?" and "?=", under RFC 2047's 75 per encoded-word.
const ENCODED_WORD_BYTES = 45;

/** The text as B encoded-words, each whole characters, which a client decodes back to exactly the text. */
function asEncodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  // Whitespace between adjacent encoded-words is not part of the text (RFC 2047 §6.2).
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

/** Unstructured text (the Subject) a client will decode exactly once to this text. */
function headerText(value: string): string {
  return value.includes(ENCODED_WORD_OPENER) ? asEncodedWords(value) : value;
}

/**
 * A From/To value with its display name encoded when it looks like an encoded-word. Nodemailer quotes an ASCII
 * name, so the encoded name goes out as a quoted string, which clients decode once as well; anything else is passed
 * as it was, so ordinary mail composes byte for byte as before.
 */
function headerMailbox(value: string): string | { name: string; address: string } {
  const { name, address } = parseMailbox(value);
  return name.includes(ENCODED_WORD_OPENER) ? { name: asEncodedWords(name), address } : value;
}

/** The exact bytes a live send puts on the wire for this record (CRLF line ends, before dot-stuffing). */
export function composeMime(e: OutgoingEmail): Promise<Buffer> {
  // Loaded with the first message composed (a preview, a live send): a dry run stores the record and composes none.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Composer = require('nodemailer/lib/mail-composer') as typeof MailComposer;
  const { From, To, Subject, Date: date, 'Message-ID': messageId, ...rest } = e.headers;
  const composer = new Composer({
    from: headerMailbox(From),
    to: headerMailbox(To),
    subject: headerText(Subject),
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
