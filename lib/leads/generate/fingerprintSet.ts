/**
 * A set of strings that stores a 64-bit fingerprint per member instead of the string: 8 bytes a member, off the
 * JavaScript heap, in one open-addressing table. Two different strings are taken for the same member only if both
 * 32-bit halves of their fingerprints collide: for a million members the chance of that happening at all is about
 * 1 in 10^8, and it is deterministic, so a seeded generator built on it still gives the same output every time.
 *
 * Why: the generator remembers every company domain it handed out (a million leads ≈ 285,000 companies). As a
 * Set<string> that was ~35 MB of live heap, and V8 sizes its heap to a multiple of what is live, which set the
 * pipeline's peak RSS.
 */
export class FingerprintSet {
  private table = new Uint32Array(2 * 1024);
  private count = 0;

  has(text: string): boolean {
    const [lo, hi] = fingerprint(text);
    return this.slotOf(lo, hi) < 0;
  }

  add(text: string): void {
    const [lo, hi] = fingerprint(text);
    const slot = this.slotOf(lo, hi);
    if (slot < 0) return;
    this.table[slot] = lo;
    this.table[slot + 1] = hi;
    this.count++;
    // Keep the table at most half full, so probes stay short.
    if (this.count * 4 > this.table.length) this.grow();
  }

  /** The free slot (an index into table) where this fingerprint would go, or -1 when it is already a member. */
  private slotOf(lo: number, hi: number): number {
    const mask = (this.table.length >>> 1) - 1;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const a = this.table[2 * i];
      const b = this.table[2 * i + 1];
      if (a === 0 && b === 0) return 2 * i;
      if (a === lo && b === hi) return -1;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0 && old[i + 1] === 0) continue;
      const slot = this.slotOf(old[i], old[i + 1]);
      this.table[slot] = old[i];
      this.table[slot + 1] = old[i + 1];
    }
  }
}

/** Two independent 32-bit FNV-1a style hashes of the UTF-16 code units; (0, 0) is reserved for an empty slot. */
function fingerprint(text: string): [number, number] {
  let lo = 0x811c9dc5;
  let hi = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    lo = Math.imul(lo ^ c, 0x01000193);
    hi = Math.imul(hi ^ c, 0x5bd1e995);
    hi ^= hi >>> 15;
  }
  lo >>>= 0;
  hi >>>= 0;
  return lo === 0 && hi === 0 ? [0, 1] : [lo, hi];
}
