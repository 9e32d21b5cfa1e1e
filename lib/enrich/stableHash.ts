/**
 * Stable 32-bit string hashes: the same text gives the same number on every machine and in every run, so whatever
 * is chosen by hash (a company's size, a lead's A/B variant, a phrasing) never changes between runs.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a (32-bit) over UTF-16 code units; identical to the byte-wise definition for ASCII text. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * FNV-1a followed by murmur3's 32-bit finalizer.
 * Raw FNV-1a's lowest bit is only the parity of how many characters have odd codes (the prime is odd, so the
 * multiply never carries into bit 0): "even → A" on it would split leads by the letters in their names, and a
 * swap of two letters would never change the split. The finalizer makes every output bit depend on every character.
 */
export function stableHash(text: string): number {
  let hash = fnv1a32(text);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
