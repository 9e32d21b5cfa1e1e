/**
 * `recordEvent`: what happened after a send — a reply, a bounce, an unsubscribe — and what it changes.
 *   reply       → its intent is read (replyIntent.ts: interested, not interested, wrong person, or an opt-out in
 *                 words); the lead is REPLIED and every later queued step for it is cancelled — and an opt-out in
 *                 words ("please remove me", "Abmelden") suppresses the address at once, as the link would;
 *   bounce      → parsed from the DSN (RFC 3464) into hard (5.x.x: the address is suppressed, lead BOUNCED) or soft
 *                 (4.x.x: recorded only);
 *   unsubscribe → the address is suppressed and queued sends are cancelled (see unsubscribe.ts).
 * A raw RFC 822 message (the reply or the bounce as received, e.g. from n8n's Email Trigger) is matched to its lead
 * by In-Reply-To/References against our Message-IDs first, then by address.
 */
import { LeadflowError } from '../errors';
import { simpleParser, type ParsedMail, type AddressObject } from 'mailparser';
import type { Db } from '../store/db';
import { leadByEmailOn, leadOn, type StoredLead } from '../store/leads';
import { suppressOn } from '../store/suppressions';
import { int } from '../store/rowMapper';
import { cancelCompanySends, cancelQueuedSends, postponeQueuedSends } from '../sending/ledger';
import { moveLeadOn } from '../leads/lifecycle';
import { unsubscribeLead } from './unsubscribe';
import { isAutoReply, returnDate } from './autoReply';
import { readReplyIntent, type IntentReading, type ReplyIntent } from './replyIntent';
import { readReplyIntentWithAi } from './replyIntentAi';
import type { GroqClient } from '../llm/client';

export type EventType = 'reply' | 'bounce' | 'unsubscribe';

export interface EventInput {
  type: EventType;
  leadId?: number;
  email?: string;
  detail?: Record<string, unknown>;
  /** The message as received (RFC 822 source). */
  raw?: string | Buffer;
  /** For a reply: also stop every queued send to other leads at the same company domain. */
  stopCompany?: boolean;
  /** A reply is read by this model when given (its answer validated, the rules as the floor), else by the rules. */
  ai?: GroqClient;
}

export interface EventResult {
  leadId: number;
  type: EventType | 'auto_reply';
  /** A reply's meaning (by rules), so a workflow can route "interested" to a CRM. */
  intent?: ReplyIntent;
  /** Wrong person: the address the reply points to instead, if it gives one. */
  referral?: string | null;
  /** What it changed, in words. */
  effect: string;
  bounce?: { kind: 'hard' | 'soft'; status: string | null; recipient: string | null };
}

export class EventError extends LeadflowError {
  constructor(message: string) {
    super('input', message);
    this.name = 'EventError';
  }
}

export async function recordEvent(store: Db, input: EventInput): Promise<EventResult> {
  const parsed = input.raw ? await simpleParser(input.raw) : null;
  const dsn = input.type === 'bounce' && parsed ? readDsn(parsed, String(input.raw)) : null;
  const lead = await findLead(store, input, parsed, dsn?.recipient ?? null);
  const now = new Date().toISOString();
  const detail = {
    ...input.detail,
    ...(parsed ? { subject: parsed.subject ?? null, from: firstAddress(parsed.from), messageId: parsed.messageId ?? null } : {}),
    ...(dsn ? { dsnStatus: dsn.status, dsnRecipient: dsn.recipient } : {}),
  };

  if (input.type === 'unsubscribe') {
    const r = await unsubscribeLead(store, lead.id, 'unsubscribed (recorded event)');
    if (!r.ok) throw new EventError(r.reason);
    return { leadId: lead.id, type: 'unsubscribe', effect: r.alreadySuppressed ? 'already suppressed' : `suppressed ${lead.email}; ${r.cancelledSends} queued send(s) cancelled` };
  }

  // A reply's meaning is read before the transaction: the model, when asked, answers over the network.
  const isReply = input.type === 'reply' && !(parsed && isAutoReply(parsed));
  const replyText = parsed?.text ?? (typeof input.detail?.text === 'string' ? input.detail.text : '');
  const replySubject = parsed?.subject ?? (typeof input.detail?.subject === 'string' ? input.detail.subject : '');
  const reading: IntentReading & { by?: string } | null = !isReply
    ? null
    : input.ai
      ? await readReplyIntentWithAi(input.ai, replyText, replySubject)
      : readReplyIntent(replyText, replySubject);

  return store.transaction(async (t) => {
    const insertEvent = () => t.run('INSERT INTO events (lead_id, type, detail, created_at) VALUES (?, ?, ?, ?)', [lead.id, input.type, JSON.stringify(detail), now]);
    if (input.type === 'reply' && parsed && isAutoReply(parsed)) {
      // An out-of-office answer is not a person replying: the sequence goes on, after the return date if given.
      const back = returnDate(`${parsed.subject ?? ''}\n${parsed.text ?? ''}`, parsed.date ?? new Date());
      await t.run('INSERT INTO events (lead_id, type, detail, created_at) VALUES (?, ?, ?, ?)', [
        lead.id,
        'auto_reply',
        JSON.stringify({ ...detail, returnDate: back?.toISOString() ?? null }),
        now,
      ]);
      let moved = 0;
      if (back) {
        const after = new Date(back.getTime() + 86_400_000).toISOString();
        moved = await postponeQueuedSends(t, lead.id, after, now);
      }
      return {
        leadId: lead.id,
        type: 'auto_reply' as const,
        effect: back ? `automatic reply: the sequence continues after ${back.toISOString().slice(0, 10)} (${moved} send(s) moved)` : 'automatic reply: the sequence continues',
      };
    }
    if (input.type === 'reply' && reading) {
      Object.assign(detail, { intent: reading.intent, matched: reading.matched, readBy: reading.by ?? 'rules', ...(reading.referral ? { referral: reading.referral } : {}) });
      await insertEvent();
      if (reading.intent === 'unsubscribe') {
        // Asking in words is asking: the same suppression and cancellations as the one-click link.
        const said = reading.matched ? `"${reading.matched}"` : 'as the model read it';
        const r = await unsubscribeLead(t, lead.id, `asked in a reply (${said})`);
        return {
          leadId: lead.id,
          type: 'reply' as const,
          intent: reading.intent,
          effect: r.ok
            ? `opt-out in words (${said}): ${lead.email} ${r.alreadySuppressed ? 'was already suppressed' : 'suppressed'}; ${r.cancelledSends} queued send(s) cancelled`
            : `opt-out in words (${said}): ${r.reason}`,
        };
      }
      await moveLeadOn(t, lead.id, 'REPLIED', now);
      const cancelled = await cancelQueuedSends(t, lead.id, 'the lead replied', now);
      let colleagues = 0;
      if (input.stopCompany) {
        colleagues = await cancelCompanySends(t, lead.companyDomain, lead.id, 'a colleague at the same company replied', now);
      }
      return {
        leadId: lead.id,
        type: 'reply' as const,
        intent: reading.intent,
        ...(reading.intent === 'wrong_person' ? { referral: reading.referral } : {}),
        effect: `lead REPLIED (${reading.intent.replace('_', ' ')}); ${cancelled} later send(s) cancelled` + (input.stopCompany ? `; ${colleagues} send(s) to colleagues at ${lead.companyDomain} cancelled` : ''),
      };
    }
    const kind = dsn?.kind ?? (input.detail?.kind === 'soft' ? 'soft' : 'hard');
    await insertEvent();
    if (kind === 'hard') {
      await suppressOn(t, 'email', lead.email, `hard bounce${dsn?.status ? ` (${dsn.status})` : ''}`, now);
      await moveLeadOn(t, lead.id, 'BOUNCED', now, dsn?.status ?? 'hard bounce');
      const cancelled = await cancelQueuedSends(t, lead.id, 'the address bounced', now);
      // Whether the list now bounces too much is decided before the next live drain, at the sender's own threshold.
      return { leadId: lead.id, type: 'bounce' as const, effect: `hard bounce: ${lead.email} suppressed; ${cancelled} send(s) cancelled`, bounce: { kind, status: dsn?.status ?? null, recipient: dsn?.recipient ?? null } };
    }
    return { leadId: lead.id, type: 'bounce' as const, effect: 'soft bounce recorded; the address stays active', bounce: { kind, status: dsn?.status ?? null, recipient: dsn?.recipient ?? null } };
  });
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): string | null {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((x) => x.value).find((v) => v.address)?.address?.toLowerCase() ?? null;
}

async function findLead(store: Db, input: EventInput, parsed: ParsedMail | null, dsnRecipient: string | null): Promise<StoredLead> {
  if (input.leadId !== undefined) {
    const lead = await leadOn(store, input.leadId);
    if (!lead) throw new EventError(`no lead with id ${input.leadId}`);
    return lead;
  }
  if (parsed) {
    const refs = [parsed.inReplyTo, ...(Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : [])].filter(
      (x): x is string => !!x,
    );
    for (const ref of refs) {
      const row = await store.get('SELECT lead_id FROM sends WHERE rfc_message_id = ? LIMIT 1', [ref.trim()]);
      if (row) return (await leadOn(store, int(row[0], 'sends.lead_id')))!;
    }
  }
  const email = input.email ?? dsnRecipient ?? (input.type !== 'bounce' && parsed ? firstAddress(parsed.from) : null);
  if (!email) throw new EventError(`cannot tell which lead this ${input.type} is about: pass leadId or email, or the raw message`);
  const lead = await leadByEmailOn(store, email);
  if (!lead) throw new EventError(`no lead with email ${email}`);
  return lead;
}

/** Read the delivery-status part of a DSN: the recipient and the status code decide hard or soft. */
function readDsn(parsed: ParsedMail, raw: string): { kind: 'hard' | 'soft'; status: string | null; recipient: string | null } {
  const part = parsed.attachments.find((a) => /delivery-status/i.test(a.contentType));
  const text = part ? part.content.toString('utf8') : raw;
  const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(text)?.[1] ?? null;
  const recipient = /^(?:Final|Original)-Recipient:\s*(?:rfc822;)?\s*<?([^\s>]+@[^\s>]+)>?/im.exec(text)?.[1]?.toLowerCase() ?? null;
  return { kind: status?.startsWith('4') ? 'soft' : 'hard', status, recipient };
}
