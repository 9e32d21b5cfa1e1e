/**
 * Single-use, expiring confirmation tokens for actions that must be previewed first (a live send). The token itself
 * goes to the caller once; the store keeps only its SHA-256, the action and the exact parameters it was issued for.
 * `useConfirmation` checks and spends it in one BEGIN IMMEDIATE transaction, so two processes racing with the same
 * token cannot both succeed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from './store';
import { jsonOf, rowMapper, text, textOrNull } from './rowMapper';

export type ConfirmationRefusal = 'unknown' | 'used' | 'expired' | 'mismatch';

export type ConfirmationUse<P> = { ok: true; params: P } | { ok: false; refusal: ConfirmationRefusal; reason: string };

/** A confirmation as `useConfirmation` checks it. */
interface IssuedConfirmation {
  action: string;
  /** What was previewed: the caller's own parameters, as issueConfirmation stored them. */
  params: unknown;
  expiresAt: string;
  usedAt: string | null;
}

/**
 * The confirmations table's one row mapper. `token_hash` is read on its own (the key it is found by) and `created_at`
 * is not read; `params` is JSON, parsed here.
 */
export const CONFIRMATIONS = rowMapper<IssuedConfirmation>({
  action: ['action', text],
  params: ['params', jsonOf<unknown>()],
  expiresAt: ['expires_at', text],
  usedAt: ['used_at', textOrNull],
});

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function issueConfirmation(
  store: Store,
  action: string,
  params: unknown,
  o: { ttlMs: number; now?: Date },
): { token: string; expiresAt: string } {
  const now = o.now ?? new Date();
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + o.ttlMs).toISOString();
  store.tx(() => {
    // Spent and stale tokens are worth nothing; keep the table small.
    store.stmt('DELETE FROM confirmations WHERE expires_at < ? OR (used_at IS NOT NULL AND used_at < ?)').run(
      new Date(now.getTime() - 86_400_000).toISOString(),
      new Date(now.getTime() - 86_400_000).toISOString(),
    );
    store
      .stmt('INSERT INTO confirmations (token_hash, action, params, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(hashOf(token), action, JSON.stringify(params), now.toISOString(), expiresAt);
  });
  return { token, expiresAt };
}

/**
 * Spend `token` for `action`, if it was issued for exactly `matches(params)`. A token offered with other parameters
 * is refused and left unspent (the caller may retry with the parameters it previewed); every other refusal is final.
 */
export function useConfirmation<P>(
  store: Store,
  token: string,
  action: string,
  matches: (issuedFor: P) => boolean,
  now: Date = new Date(),
): ConfirmationUse<P> {
  return store.tx((): ConfirmationUse<P> => {
    const cells = store.rows(`SELECT ${CONFIRMATIONS.columns} FROM confirmations WHERE token_hash = ?`).get(hashOf(token));
    const issued = cells && CONFIRMATIONS.from(cells);
    if (!issued || issued.action !== action) {
      return { ok: false, refusal: 'unknown', reason: 'this confirm_token was never issued (or was issued for something else)' };
    }
    if (issued.usedAt) return { ok: false, refusal: 'used', reason: `this confirm_token was already used at ${issued.usedAt}` };
    if (issued.expiresAt <= now.toISOString()) {
      return { ok: false, refusal: 'expired', reason: `this confirm_token expired at ${issued.expiresAt}` };
    }
    // Issued by the same caller's action, for the parameters of type P it previewed.
    const params = issued.params as P;
    if (!matches(params)) {
      return { ok: false, refusal: 'mismatch', reason: 'this confirm_token was issued for different arguments' };
    }
    const spent = store.stmt('UPDATE confirmations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL').run(now.toISOString(), hashOf(token));
    if (Number(spent.changes) !== 1) return { ok: false, refusal: 'used', reason: 'this confirm_token was already used' };
    return { ok: true, params };
  });
}
