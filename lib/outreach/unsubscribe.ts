/**
 * One-click unsubscribe (RFC 8058). A token names a lead and is signed with HMAC-SHA256 under `LEADFLOW_SECRET`,
 * so it cannot be forged or pointed at someone else. `unsubscribeByToken` suppresses the address and cancels every
 * queued send for the lead in one transaction: after it returns, no further message goes to that person.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store';
import { getLead } from '../store/leads';
import { suppress, suppressionReason } from '../store/suppressions';
import { cancelQueuedSends } from './ledger';

const PURPOSE = 'leadflow-unsubscribe-v1';

export class UnsubscribeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsubscribeConfigError';
  }
}

/** The signing secret; refuse short or missing ones rather than sign with something guessable. */
export function unsubscribeSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.LEADFLOW_SECRET ?? '';
  if (secret.length < 16) {
    throw new UnsubscribeConfigError('LEADFLOW_SECRET must be set to at least 16 characters (e.g. `openssl rand -hex 32`)');
  }
  return secret;
}

function signature(leadId: number, secret: string): string {
  return createHmac('sha256', secret).update(`${PURPOSE}:${leadId}`).digest('base64url');
}

export function unsubscribeToken(leadId: number, secret: string): string {
  return `${leadId}.${signature(leadId, secret)}`;
}

export function verifyUnsubscribeToken(token: string, secret: string): { leadId: number } | null {
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!m) return null;
  const leadId = Number(m[1]);
  const expected = Buffer.from(signature(leadId, secret));
  const given = Buffer.from(m[2]);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { leadId } : null;
}

/** The URL a recipient clicks: `{token}` in the base is replaced, else `?token=` is appended. */
export function unsubscribeUrl(base: string, token: string): string {
  if (base.includes('{token}')) return base.replace('{token}', encodeURIComponent(token));
  const url = new URL(base);
  url.searchParams.set('token', token);
  return url.toString();
}

/** RFC 2369 + RFC 8058 headers for one message. */
export function listUnsubscribeHeaders(url: string, mailto?: string): Record<string, string> {
  const targets = [`<${url}>`];
  if (mailto) targets.push(`<mailto:${mailto}?subject=unsubscribe>`);
  return { 'List-Unsubscribe': targets.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export type UnsubscribeResult =
  | { ok: true; leadId: number; email: string; alreadySuppressed: boolean; cancelledSends: number }
  | { ok: false; reason: string };

export function unsubscribeByToken(store: Store, token: string, secret: string): UnsubscribeResult {
  const claim = verifyUnsubscribeToken(token, secret);
  if (!claim) return { ok: false, reason: 'this unsubscribe link is not valid (it may have been altered)' };
  return unsubscribeLead(store, claim.leadId, 'unsubscribed (one-click link)');
}

/** Suppress a lead's address, mark it SUPPRESSED and cancel its queued sends, atomically. */
export function unsubscribeLead(store: Store, leadId: number, reason: string): UnsubscribeResult {
  return store.tx(() => {
    const lead = getLead(store, leadId);
    if (!lead) return { ok: false as const, reason: 'the person behind this link is no longer in the store' };
    const now = new Date().toISOString();
    const alreadySuppressed = suppressionReason(store, lead.email) !== null;
    suppress(store, 'email', lead.email, reason, now);
    store
      .stmt("UPDATE leads SET status = 'SUPPRESSED', status_reason = ?, updated_at = ? WHERE id = ? AND status NOT IN ('REPLIED', 'BOUNCED')")
      .run(reason, now, leadId);
    const cancelledSends = cancelQueuedSends(store, leadId, reason, now);
    if (!alreadySuppressed) {
      store
        .stmt("INSERT INTO events (lead_id, type, detail, created_at) VALUES (?, 'unsubscribe', ?, ?)")
        .run(leadId, JSON.stringify({ reason, cancelledSends }), now);
    }
    return { ok: true as const, leadId, email: lead.email, alreadySuppressed, cancelledSends };
  });
}
