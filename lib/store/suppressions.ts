/**
 * The suppression list: addresses and domains that must never be mailed, and one-way hashes of erased people so an
 * erased address is never re-imported. Checked at import and again after every send claim.
 */
import { createHash } from 'node:crypto';
import type { Store } from './store';
import { inValues, type Db } from './db';
import type { SqlValue } from './driver';
import { int, oneOf, text } from './rowMapper';

export const SUPPRESSION_KINDS = ['email', 'domain', 'email_sha256'] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];
const kindOf = oneOf(SUPPRESSION_KINDS);

export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

const SUPPRESS = 'INSERT INTO suppressions (kind, value, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING';

export function suppress(store: Store, kind: SuppressionKind, value: string, reason: string, now: string): boolean {
  return Number(store.stmt(SUPPRESS).run(kind, value.trim().toLowerCase(), reason, now).changes) === 1;
}

/** `suppress` on either database: false when it was already on the list. */
export async function suppressOn(db: Db, kind: SuppressionKind, value: string, reason: string, now: string): Promise<boolean> {
  return (await db.run(SUPPRESS, [kind, value.trim().toLowerCase(), reason, now])) === 1;
}

const REASON_SQL = `SELECT kind, reason FROM suppressions
  WHERE (kind = 'email' AND value = ?) OR (kind = 'domain' AND value = ?) OR (kind = 'email_sha256' AND value = ?)
  LIMIT 1`;

function reasonParams(email: string): SqlValue[] {
  const normal = email.trim().toLowerCase();
  return [normal, normal.slice(normal.lastIndexOf('@') + 1), emailHash(normal)];
}

function reasonOf(row: SqlValue[] | undefined): string | null {
  if (!row) return null;
  const kind = kindOf(row[0], 'suppressions.kind');
  return `${kind === 'domain' ? 'domain' : 'address'} suppressed: ${text(row[1], 'suppressions.reason')}`;
}

/** Why this address may not be contacted, or null when it may. */
export function suppressionReason(store: Store, email: string): string | null {
  return reasonOf(store.rows(REASON_SQL).get(...reasonParams(email)));
}

/**
 * The same question asked of either database: what a live send asks after its claim, of the store every worker
 * shares, so an unsubscribe recorded a moment ago on another host stops it.
 */
export async function suppressedNow(db: Db, email: string): Promise<string | null> {
  return reasonOf(await db.get(REASON_SQL, reasonParams(email)));
}

/**
 * `suppressedNow` for many addresses in one read: the reason each suppressed one (by its lower-cased address) may not
 * be contacted — its address, else its domain, else its erased hash.
 */
export async function suppressedAmong(db: Db, emails: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (emails.length === 0) return out;
  const normals = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
  const domains = [...new Set(normals.map((e) => e.slice(e.lastIndexOf('@') + 1)))];
  const hashes = normals.map(emailHash);
  const list = inValues(db, 'text');
  const rows = await db.all(
    `SELECT kind, value, reason FROM suppressions
     WHERE (kind = 'email' AND value IN ${list}) OR (kind = 'domain' AND value IN ${list}) OR (kind = 'email_sha256' AND value IN ${list})`,
    [JSON.stringify(normals), JSON.stringify(domains), JSON.stringify(hashes)],
  );
  if (rows.length === 0) return out;
  const found = new Map(rows.map((r) => [`${text(r[0], 'suppressions.kind')}|${text(r[1], 'suppressions.value').toLowerCase()}`, r]));
  normals.forEach((email, i) => {
    const row = found.get(`email|${email}`) ?? found.get(`domain|${email.slice(email.lastIndexOf('@') + 1)}`) ?? found.get(`email_sha256|${hashes[i]}`);
    const why = reasonOf(row && [row[0], row[2]]);
    if (why) out.set(email, why);
  });
  return out;
}

export function hasSuppressions(store: Store): boolean {
  return store.stmt('SELECT 1 FROM suppressions LIMIT 1').get() !== undefined;
}

export async function countSuppressions(db: Db): Promise<number> {
  return int((await db.get('SELECT count(*) AS n FROM suppressions'))![0], 'count(suppressions)');
}
