/**
 * What enrichment asks the model: company-level facts only (size, pains, triggers), because those are what a
 * company's leads share and what the cache can key by domain. Person-level fields (seniority, persona) stay with
 * the rules. Bump ENRICH_PROMPT_VERSION whenever the wording or the schema changes: it is part of the cache key.
 */
import { z } from 'zod';
import type { ChatMessage } from '../llm/client';
import { DATA_BLOCK_RULE, dataBlock } from '../llm/dataBlock';

export const ENRICH_PROMPT_VERSION = 'enrich-v1';

export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+'] as const;

export const companyFactsValidator = z
  .object({
    companySize: z.enum(COMPANY_SIZES),
    painPoints: z.array(z.string().trim().min(3).max(120)).min(1).max(3),
    buyingTriggers: z.array(z.string().trim().min(3).max(120)).min(1).max(3),
    confidence: z.number().min(0).max(1),
  })
  .strict();
export type CompanyFacts = z.infer<typeof companyFactsValidator>;

const stringList = { type: 'array', items: { type: 'string' } };
export const companyFactsJsonSchema: Record<string, unknown> = {
  type: 'object',
  properties: {
    companySize: { type: 'string', enum: [...COMPANY_SIZES] },
    painPoints: { ...stringList, description: '1 to 3 short noun phrases, each under 120 characters' },
    buyingTriggers: { ...stringList, description: '1 to 3 short noun phrases, each under 120 characters' },
    confidence: { type: 'number', description: '0 to 1: how much rests on the data rather than on guesses' },
  },
  required: ['companySize', 'painPoints', 'buyingTriggers', 'confidence'],
  additionalProperties: false,
};

export const ENRICH_SYSTEM_PROMPT = [
  'You profile B2B companies for sales research.',
  'Given one company, estimate its employee-count band and name the operational pains and buying triggers a vendor',
  'of workflow automation software would most likely meet there. Keep each item a short noun phrase.',
  'Do not invent facts such as funding rounds, revenue, customers or people; use only general industry knowledge.',
  'Answer with one JSON object that matches the schema, nothing else.',
  DATA_BLOCK_RULE,
].join(' ');

export interface CompanyInput {
  company: string;
  companyDomain: string;
  industry: string;
  country: string;
}

export function companyMessages(c: CompanyInput): ChatMessage[] {
  return [
    { role: 'system', content: ENRICH_SYSTEM_PROMPT },
    { role: 'user', content: `Profile this company.\n${dataBlock({ company: c.company, domain: c.companyDomain, industry: c.industry, country: c.country })}` },
  ];
}
