/**
 * The words a message uses for its recipient, cleaned from lead fields that may come from a messy import: a
 * missing or junk value ("null", "N/A", "{{firstName}}", "[Company]") becomes a natural fallback ("Hi there",
 * "your company") instead of leaking into the copy, and line breaks inside a field never break the layout.
 */
import { industryFromText } from '../enrich/industry';
import { stableHash } from '../enrich/stableHash';
import type { Industry, LeadInput } from '../types';
import { cleanField } from './cleanField';

export type RecipientInput = Pick<LeadInput, 'firstName' | 'company' | 'title' | 'industry' | 'email'>;

export interface Recipient {
  /** Cleaned first name, '' when unknown. */
  firstName: string;
  /** "Anna", or "there" when the name is unknown: for "Hi …,". */
  greetingName: string;
  companyKnown: boolean;
  /** The company name, or "your company". */
  company: string;
  /** " at Acme", or '' when the company is unknown: so "Teams like yours at your company" never happens. */
  atCompany: string;
  /** Cleaned title, '' when unknown. */
  title: string;
  /** "manufacturing", "financial services", or "your space": for "… we keep seeing in …". */
  sector: string;
  /** "manufacturing teams", or "teams like yours". */
  peers: string;
  /** Stable hash of the lowercased email: picks phrasings so a million messages are not all alike. */
  hash: number;
}

const SECTORS: Readonly<Record<Industry, readonly [sector: string, peers: string]>> = {
  Technology: ['software and tech', 'software and tech teams'],
  Manufacturing: ['manufacturing', 'manufacturing teams'],
  Healthcare: ['healthcare', 'healthcare organizations'],
  Retail: ['retail', 'retail teams'],
  Finance: ['financial services', 'financial services firms'],
  Logistics: ['logistics', 'logistics operators'],
};

/** "anna" and "ANNA" become "Anna"; "McKenzie" and "Zoë" stay as written. */
function asName(text: string): string {
  if (text.length < 2) return text.toUpperCase();
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) return text;
  return lower[0].toUpperCase() + lower.slice(1);
}

export function recipientOf(lead: RecipientInput): Recipient {
  const firstName = asName(cleanField(lead.firstName));
  const company = cleanField(lead.company);
  const industry = industryFromText(cleanField(lead.industry));
  const [sector, peers] = industry ? SECTORS[industry] : ['your space', 'teams like yours'];
  return {
    firstName,
    greetingName: firstName || 'there',
    companyKnown: company !== '',
    company: company || 'your company',
    atCompany: company ? ` at ${company}` : '',
    title: cleanField(lead.title),
    sector,
    peers,
    hash: stableHash((lead.email ?? '').trim().toLowerCase()),
  };
}
