/**
 * Hands out company domains that are never handed out twice: the second "Harbor Freight" gets
 * harbor-freight-2.example. Work emails are unique because of this (locals are unique within a company),
 * so the registry is what keeps a million generated leads free of duplicate addresses.
 *
 * Memory is 8 bytes per company (a fingerprint of its label, see FingerprintSet), plus one counter per name that
 * collided.
 */
import { FingerprintSet } from './fingerprintSet';

export class DomainRegistry {
  private readonly used = new FingerprintSet();
  private readonly lastSuffix = new Map<string, number>();

  constructor(private readonly tld: string) {}

  /** A domain for this slug under the registry's TLD, unused until now. */
  claim(slug: string): string {
    const base = slug || 'company';
    let label = base;
    if (this.used.has(label)) {
      let suffix = this.lastSuffix.get(base) ?? 1;
      // The loop only spins if some other slug already ends in "-<n>"; generated slugs never do.
      do {
        suffix += 1;
        label = `${base}-${suffix}`;
      } while (this.used.has(label));
      this.lastSuffix.set(base, suffix);
    }
    this.used.add(label);
    return `${label}.${this.tld}`;
  }
}
