/**
 * Seniority from a job title's keywords. Returns null when no keyword matched, so the caller can tell evidence
 * ("Data Analyst" → Individual contributor) from a default (a title we could not read).
 */
import type { EnrichmentFields } from '../types';

export type Seniority = EnrichmentFields['seniority'];

/** Every seniority, most senior first: what the store's enrichments.seniority column may hold. */
export const SENIORITIES: readonly Seniority[] = ['C-level', 'VP', 'Director', 'Manager', 'Individual contributor'];

// Checked top-down: "Vice President" must not count as President, "Managing Director" outranks Director,
// and "Product Owner" is not an owner of the company.
const LEVELS: ReadonlyArray<readonly [RegExp, Seniority]> = [
  [
    /\b(?:chief|ceo|cto|cfo|coo|cio|cmo|cro|cpo|cso|cdo|cco|cao|cxo|chro|ciso|cdao|cmio|cno|cnio|founder|co-?founder|managing director|managing partner|executive director)\b|(?<!vice[\s-])\bpresident\b|(?<!product\s)\bowner\b/i,
    'C-level',
  ],
  [/\b(?:vp|svp|evp|avp|vice[\s-]+president)\b/i, 'VP'],
  [/\b(?:director|head|dir)\b/i, 'Director'],
  [/\b(?:manager|mgr|lead|leader|supervisor|superintendent|foreman)\b/i, 'Manager'],
  [
    /\b(?:engineer|developer|analyst|specialist|coordinator|associate|consultant|representative|rep|administrator|designer|accountant|nurse|technician|scientist|architect|planner|buyer|assistant|officer|agent|executive|clerk|intern|physician|pharmacist|recruiter|strategist|producer|liaison|facilitator|orchestrator|controller|owner)\b/i,
    'Individual contributor',
  ],
];

export function seniorityFromTitle(title: string): Seniority | null {
  for (const [pattern, seniority] of LEVELS) if (pattern.test(title)) return seniority;
  return null;
}
