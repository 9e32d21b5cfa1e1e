/**
 * Reads an industry out of a lead's industry field: one of INDUSTRIES as written, or a free-text industry from an
 * import mapped by keyword ("SaaS" → Technology, "Freight forwarding" → Logistics), or null when nothing fits.
 */
import { INDUSTRIES, type Industry } from '../types';

const KNOWN: ReadonlySet<string> = new Set(INDUSTRIES);
// Both spellings as keys, so the common case (the generator's exact names) never pays for toLowerCase().
const BY_NAME: ReadonlyMap<string, Industry> = new Map(
  INDUSTRIES.flatMap((name): Array<[string, Industry]> => [
    [name, name],
    [name.toLowerCase(), name],
  ]),
);

// Order matters: "health tech" is Healthcare and "fintech" is Finance before the broad tech pattern gets a say.
const KEYWORDS: ReadonlyArray<readonly [RegExp, Industry]> = [
  [/\b(?:health\w*|hospitals?|medical|medicine|pharma\w*|biotech\w*|clinic\w*|life sciences|medtech|dental|nursing)\b/i, 'Healthcare'],
  [/\b(?:financ\w*|bank\w*|insurance|insurtech|fintech|investments?|capital markets|asset management|accounting|payments?|lending|wealth)\b/i, 'Finance'],
  [/\b(?:logistic\w*|freight|shipping|transport\w*|supply chain|warehous\w*|trucking|courier|3pl|maritime|distribution)\b/i, 'Logistics'],
  [/\b(?:retail\w*|e-?commerce|consumer goods|cpg|fmcg|fashion|apparel|grocery|wholesale|shops?|stores?)\b/i, 'Retail'],
  [/\b(?:manufactur\w*|industrial|automotive|machinery|chemicals?|aerospace|electronics|plastics|metals?|steel|textiles?|packaging)\b/i, 'Manufacturing'],
  [/\b(?:tech\w*|software|saas|it services|information technology|internet|cloud|cyber\s?security|computer\w*|telecom\w*|semiconductors?|artificial intelligence|ai)\b/i, 'Technology'],
];

export function isKnownIndustry(text: string): text is Industry {
  return KNOWN.has(text);
}

/** The industry the text names, or null. Exact names cost one map lookup; only free text pays for the keyword scan. */
export function industryFromText(text: string): Industry | null {
  if (!text) return null;
  const exact = BY_NAME.get(text) ?? BY_NAME.get(text.trim().toLowerCase());
  if (exact) return exact;
  for (const [pattern, industry] of KEYWORDS) if (pattern.test(text)) return industry;
  return null;
}
