/**
 * Offline, rule-based enrichment: company size, seniority, persona, pain points and buying triggers read from a
 * lead's title, company name and industry. Deterministic (no randomness, no clock: the same lead always gets the
 * same enrichment), pure, and cheap enough for a million leads: every pattern and table is built at module load.
 */
import type { Enrichment, LeadInput } from '../types';
import { companyDomainOf } from './companyDomain';
import { companySizeFor, sizeSignalOf } from './companySize';
import { industryFromText, isKnownIndustry } from './industry';
import { jobFunctionFromTitle } from './jobFunction';
import { painsAndTriggersFor } from './painsAndTriggers';
import { personaFor } from './persona';
import { seniorityFromTitle } from './seniority';
import { stableHash } from './stableHash';

export const RULES_VERSION = 'rules-v1';

export type RulesInput = Pick<LeadInput, 'title' | 'company' | 'industry' | 'website' | 'email'>;

// How much each piece of direct evidence adds to confidence; the floor says "we know nothing but the defaults".
// A keyword-mapped free-text industry ("SaaS") is weaker evidence than one of our own industry names.
const CONFIDENCE_FLOOR = 0.1;
const EVIDENCE_SENIORITY = 0.2;
const EVIDENCE_FUNCTION = 0.25;
const EVIDENCE_INDUSTRY_EXACT = 0.3;
const EVIDENCE_INDUSTRY_MAPPED = 0.2;
const EVIDENCE_SIZE_SIGNAL = 0.15;

export function enrichByRules(lead: RulesInput): Enrichment {
  const title = lead.title ?? '';
  const company = lead.company ?? '';
  const industryText = lead.industry ?? '';

  const industry = industryFromText(industryText);
  const seniorityMatch = seniorityFromTitle(title);
  const functionMatch = jobFunctionFromTitle(title, industry);
  const sizeSignal = sizeSignalOf(company);

  const seniority = seniorityMatch ?? 'Individual contributor';
  const jobFunction = functionMatch ?? 'general';
  const row = painsAndTriggersFor(industry, jobFunction);
  // The domain keys the company; the name stands in when a lead has neither website nor email.
  const companyKey = companyDomainOf(lead.website ?? '', lead.email ?? '') || company.toLowerCase();

  let confidence = CONFIDENCE_FLOOR;
  if (seniorityMatch) confidence += EVIDENCE_SENIORITY;
  if (functionMatch) confidence += EVIDENCE_FUNCTION;
  if (industry) confidence += isKnownIndustry(industryText) ? EVIDENCE_INDUSTRY_EXACT : EVIDENCE_INDUSTRY_MAPPED;
  if (sizeSignal) confidence += EVIDENCE_SIZE_SIGNAL;

  return {
    companySize: companySizeFor(sizeSignal, industry, stableHash(companyKey)),
    persona: personaFor(jobFunction, seniority, industry),
    seniority,
    painPoints: row.painPoints.slice(),
    buyingTriggers: row.buyingTriggers.slice(),
    confidence: Math.round(Math.min(confidence, 1) * 100) / 100,
    // Every field is inferred by a rule; none is copied from the lead as-is.
    provenance: {
      companySize: 'rule',
      persona: 'rule',
      seniority: 'rule',
      painPoints: 'rule',
      buyingTriggers: 'rule',
      confidence: 'rule',
    },
    source: RULES_VERSION,
  };
}
