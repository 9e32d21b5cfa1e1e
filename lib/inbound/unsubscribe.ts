/**
 * One-click unsubscribe (RFC 8058). A token names the lead id and a hash of the address it was mailed to, signed with
 * HMAC-SHA256 under `LEADFLOW_SECRET`, so it cannot be forged and can only ever unsubscribe that address:
 * - the lead is still there under that address → its address is suppressed and every queued send for it cancelled,
 *   in one transaction (after `unsubscribeByToken` returns, no further message goes to that person);
 * - the lead is gone (erased, cleared) or its id now belongs to someone else → nobody in the store changes; the
 *   address's hash goes on the suppression list, so the person who asked is never mailed again if they come back.
 * Tokens of the first format (the id alone, before ids were made never to repeat) are honoured only for the lead a
 * live email carried that very link to.
 */
import { LeadflowError } from '../errors';
import { createHmac } from 'node:crypto';
import { tokenMatches } from '../access/accessToken';
import type { Db } from '../store/db';
import { leadOn } from '../store/leads';
import { emailHash, suppressOn, suppressedNow } from '../store/suppressions';
import { cancelQueuedSends } from '../sending/ledger';
import { moveLeadOn } from '../leads/lifecycle';
import { SENDING_RULES } from '../sending/config';

const PURPOSE_V1 = 'leadflow-unsubscribe-v1';
const PURPOSE = 'leadflow-unsubscribe-v2';

export class UnsubscribeConfigError extends LeadflowError {
  constructor(message: string) {
    super('config', message);
    this.name = 'UnsubscribeConfigError';
  }
}

/** The signing secret; refuse short or missing ones rather than sign with something guessable. */
export function unsubscribeSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.LEADFLOW_SECRET ?? '';
  if (secret.length < 16) throw new UnsubscribeConfigError(SENDING_RULES.secret);
  return secret;
}

function sign(text: string, secret: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}

/** The address as the token carries it: SHA-256 of the normalised address, base64url (43 characters). */
function addressTag(email: string): string {
  return Buffer.from(emailHash(email), 'hex').toString('base64url');
}

export function unsubscribeToken(lead: { id: number; email: string }, secret: string): string {
  const tag = addressTag(lead.email);
  return `${lead.id}.${tag}.${sign(`${PURPOSE}:${lead.id}:${tag}`, secret)}`;
}

export type UnsubscribeClaim =
  /** The address hash as the suppression list keeps it (hex). */
  | { leadId: number; addressHash: string }
  /** A first-format token: it names an id only. */
  | { leadId: number; addressHash: null };

/** What a token claims, if its signature holds; null for anything altered, truncated or signed with another secret. */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | null {
  const t = token.trim();
  const v2 = /^(\d{1,15})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(t);
  if (v2) {
    const leadId = Number(v2[1]);
    if (!tokenMatches(v2[3], sign(`${PURPOSE}:${leadId}:${v2[2]}`, secret))) return null;
    return { leadId, addressHash: Buffer.from(v2[2], 'base64url').toString('hex') };
  }
  const v1 = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(t);
  if (v1) {
    const leadId = Number(v1[1]);
    return tokenMatches(v1[2], sign(`${PURPOSE_V1}:${leadId}`, secret)) ? { leadId, addressHash: null } : null;
  }
  return null;
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
  /** The link's address is no longer in the store: nobody in it changed; the address hash is suppressed. */
  | { ok: true; leadId: null; alreadySuppressed: boolean; cancelledSends: 0; message: string }
  | { ok: false; reason: string };

const GONE =
  'the address this link was sent to is no longer in the store: nobody in it was changed, and the address is on the ' +
  'suppression list, so it is never mailed again';

export async function unsubscribeByToken(db: Db, token: string, secret: string): Promise<UnsubscribeResult> {
  const claim = verifyUnsubscribeToken(token, secret);
  if (!claim) return { ok: false, reason: 'this unsubscribe link is not valid (it may have been altered)' };
  const reason = 'unsubscribed (one-click link)';
  return db.transaction(async (t): Promise<UnsubscribeResult> => {
    const lead = await leadOn(t, claim.leadId);
    if (claim.addressHash === null) {
      // A first-format link proves only an id: honour it for the lead some live email carried this very link to.
      if (lead && (await wasMailedLink(t, lead.id, token.trim()))) return unsubscribeLead(t, lead.id, reason);
      return { ok: false, reason: 'this unsubscribe link is from an older version and no longer names anyone in the store; reply “unsubscribe” to the email instead' };
    }
    if (lead && emailHash(lead.email) === claim.addressHash) return unsubscribeLead(t, lead.id, reason);
    const alreadySuppressed = !(await suppressOn(t, 'email_sha256', claim.addressHash, `${reason}; the address had left the store`, new Date().toISOString()));
    return { ok: true, leadId: null, alreadySuppressed, cancelledSends: 0, message: GONE };
  });
}

/** Whether a live send to this lead carried `token` (in its List-Unsubscribe header or its footer). */
async function wasMailedLink(db: Db, leadId: number, token: string): Promise<boolean> {
  const contains = (column: string) => (db.dialect === 'sqlite' ? `instr(${column}, ?) > 0` : `strpos(${column}, ?) > 0`);
  const row = await db.get(`SELECT 1 FROM sends WHERE lead_id = ? AND dry_run = 0 AND (${contains('headers')} OR ${contains('footer')}) LIMIT 1`, [leadId, token, token]);
  return row !== undefined;
}

/** Suppress a lead's address, mark it SUPPRESSED and cancel its queued sends, atomically. */
export async function unsubscribeLead(db: Db, leadId: number, reason: string): Promise<UnsubscribeResult> {
  return db.transaction(async (t) => {
    const lead = await leadOn(t, leadId);
    if (!lead) return { ok: false as const, reason: 'the person behind this link is no longer in the store' };
    const now = new Date().toISOString();
    const alreadySuppressed = (await suppressedNow(t, lead.email)) !== null;
    await suppressOn(t, 'email', lead.email, reason, now);
    await moveLeadOn(t, leadId, 'SUPPRESSED', now, reason);
    const cancelledSends = await cancelQueuedSends(t, leadId, reason, now);
    if (!alreadySuppressed) {
      await t.run("INSERT INTO events (lead_id, type, detail, created_at) VALUES (?, 'unsubscribe', ?, ?)", [leadId, JSON.stringify({ reason, cancelledSends }), now]);
    }
    return { ok: true as const, leadId, email: lead.email, alreadySuppressed, cancelledSends };
  });
}
