/**
 * A company's size band from what its name says ("Holdings" is big, "Studio" is small) and its industry
 * (manufacturers, hospitals, banks and carriers run larger), with a stable hash of the company's domain choosing
 * within the plausible range: companies get varied sizes, and the same company always gets the same one.
 */
import type { CompanySize, Industry } from '../types';

export const COMPANY_SIZES: readonly CompanySize[] = ['1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+'];

interface SizeRange {
  readonly lo: number;
  readonly hi: number;
}

// Checked top-down, biggest signal first, so "Global Labs" reads as global.
const NAME_SIGNALS: ReadonlyArray<readonly [RegExp, SizeRange]> = [
  [/\b(?:holdings?|international|intl|global|worldwide|multinational|corporation|plc)\b/i, { lo: 3, hi: 5 }],
  [/\b(?:group|corp|enterprises?|industries|incorporated)\b/i, { lo: 2, hi: 4 }],
  [/\b(?:systems|technologies|solutions|inc|associates|networks)\b/i, { lo: 1, hi: 3 }],
  [/(?:&|\band)\s+sons\b/i, { lo: 1, hi: 2 }],
  [/\b(?:labs?|studios?|llc|ltd|collective|consulting|ventures|workshop|boutique|partners)\b/i, { lo: 0, hi: 2 }],
];

const RANGE_BY_INDUSTRY: Readonly<Record<Industry, SizeRange>> = {
  Technology: { lo: 0, hi: 4 },
  Retail: { lo: 0, hi: 4 },
  Manufacturing: { lo: 1, hi: 5 },
  Healthcare: { lo: 1, hi: 5 },
  Finance: { lo: 1, hi: 5 },
  Logistics: { lo: 1, hi: 4 },
};
const UNKNOWN_INDUSTRY_RANGE: SizeRange = { lo: 0, hi: 4 };

// Industries whose companies skew large: take the larger of two hash draws instead of one.
const SKEWS_LARGE: ReadonlySet<Industry> = new Set<Industry>(['Manufacturing', 'Healthcare', 'Finance', 'Logistics']);

/** The size range the company's name implies, or null when the name carries no size signal. */
export function sizeSignalOf(company: string): SizeRange | null {
  for (const [pattern, range] of NAME_SIGNALS) if (pattern.test(company)) return range;
  return null;
}

/** `domainHash` must be a well-mixed hash (stableHash), since its low and high halves are used as two draws. */
export function companySizeFor(signal: SizeRange | null, industry: Industry | null, domainHash: number): CompanySize {
  const range = signal ?? (industry ? RANGE_BY_INDUSTRY[industry] : UNKNOWN_INDUSTRY_RANGE);
  const span = range.hi - range.lo + 1;
  let step = (domainHash & 0xffff) % span;
  if (industry !== null && SKEWS_LARGE.has(industry)) step = Math.max(step, (domainHash >>> 16) % span);
  return COMPANY_SIZES[range.lo + step];
}
