/**
 * A lead's A/B variant, fixed by its email address: the same address always lands in the same arm (case does not
 * matter), and addresses split about 50/50.
 */
import { stableHash } from '../enrich/stableHash';
import type { Variant } from '../types';

/**
 * Even hash → 'A', odd → 'B', over FNV-1a of the lowercased email plus a finalizer (see stableHash for why raw
 * FNV-1a parity would tie the arm to the letters in a lead's name).
 */
export function assignVariant(email: string): Variant {
  return (stableHash(email.trim().toLowerCase()) & 1) === 0 ? 'A' : 'B';
}
