/**
 * Single-use, expiring confirmation tokens for actions that must be previewed first (a live send). The token itself
 * goes to the caller once; the store keeps only its SHA-256, the action and the exact parameters it was issued for.
 * `useConfirmation` checks and spends it in one BEGIN IMMEDIATE transaction, so two processes racing with the same
 * token cannot both succeed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from './store';

export type ConfirmationRefusal = 'unknown' | 'used' | 'expired' | 'mismatch';

export type ConfirmationUse<P> = { ok: true; params: P } | { ok: false; refusal: ConfirmationRefusal; reason: string };

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
    const row = store.stmt('SELECT action, params, expires_at, used_at FROM confirmations WHERE token_hash = ?').get(hashOf(token));
    if (!row || row.action !== action) {
      return { ok: false, refusal: 'unknown', reason: 'this confirm_token was never issued (or was issued for something else)' };
    }
    if (row.used_at) return { ok: false, refusal: 'used', reason: `this confirm_token was already used at ${row.used_at as string}` };
    if ((row.expires_at as string) <= now.toISOString()) {
      return { ok: false, refusal: 'expired', reason: `this confirm_token expired at ${row.expires_at as string}` };
    }
    const params = JSON.parse(row.params as string) as P;
    if (!matches(params)) {
      return { ok: false, refusal: 'mismatch', reason: 'this confirm_token was issued for different arguments' };
    }
    const spent = store.stmt('UPDATE confirmations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL').run(now.toISOString(), hashOf(token));
    if (Number(spent.changes) !== 1) return { ok: false, refusal: 'used', reason: 'this confirm_token was already used' };
    return { ok: true, params };
  });
}
