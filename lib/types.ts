/**
 * The vocabulary of leadflow: plain types shared by every lib module and adapter.
 * Validation happens at the edges (zod schemas in the modules that read outside data); inside, these types are trusted.
 */

export const INDUSTRIES = ['Technology', 'Manufacturing', 'Healthcare', 'Retail', 'Finance', 'Logistics'] as const;
export type Industry = (typeof INDUSTRIES)[number];

/** The lead lifecycle (DESIGN.md, "The flow"). */
export const LEAD_STATUSES = [
  'NEW',
  'ENRICHED',
  'MESSAGED',
  'SENT',
  'REPLIED',
  'BOUNCED',
  'FAILED',
  'SUPPRESSED',
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const CHANNELS = ['email', 'linkedin'] as const;
export type Channel = (typeof CHANNELS)[number];

export const VARIANTS = ['A', 'B'] as const;
export type Variant = (typeof VARIANTS)[number];

/** A lead as it enters the store: generated, imported from CSV, or mapped from n8n items. */
export interface LeadInput {
  firstName: string;
  lastName: string;
  email: string;
  title: string;
  company: string;
  /** Absolute http(s) URL of the company website. */
  website: string;
  /** Absolute https URL of a LinkedIn profile, or '' when unknown. */
  linkedinUrl: string;
  /** One of INDUSTRIES, or a free-text industry for imported leads. */
  industry: string;
  /** Country name, e.g. "Germany". */
  country: string;
  /** IANA timezone, e.g. "Europe/Berlin". */
  timezone: string;
  /** True for leads made by the generator: they live on reserved domains and are never sent live. */
  synthetic: boolean;
  /** Where the lead came from: "generator:<seed>", "csv:<file>", "n8n", … */
  source: string;
  /**
   * Custom attributes: the imported columns no field reads, by column name ("Seniority": "VP"), for templates to
   * use. Absent when there are none.
   */
  attributes?: Record<string, string>;
}

/** A lead as stored. Its attributes are read on their own (leadAttributes), by what shows a whole lead. */
export interface Lead extends Omit<LeadInput, 'attributes'> {
  id: number;
  status: LeadStatus;
  variant: Variant;
  createdAt: string;
  updatedAt: string;
}

/** Where an enrichment field came from. */
export type Provenance = 'rule' | 'model' | 'input';

export type CompanySize = '1-10' | '11-50' | '51-200' | '201-1000' | '1001-5000' | '5000+';

export interface EnrichmentFields {
  companySize: CompanySize;
  /** Short persona label, e.g. "Technical decision maker". */
  persona: string;
  seniority: 'C-level' | 'VP' | 'Director' | 'Manager' | 'Individual contributor';
  painPoints: string[];
  buyingTriggers: string[];
  /** 0..1: how much of this enrichment rests on evidence in the lead rather than on defaults. */
  confidence: number;
}

export interface Enrichment extends EnrichmentFields {
  /** Per field: who produced it. */
  provenance: Record<keyof EnrichmentFields, Provenance>;
  /** "rules-v1", or the model name in AI mode. */
  source: string;
}

/** A message before it is stored: what personalization produces and the copy contract checks. */
export interface MessageDraft {
  channel: Channel;
  variant: Variant;
  step: number;
  /** Email subject; null for LinkedIn. */
  subject: string | null;
  body: string;
}

export interface CopyViolation {
  rule: 'word_budget' | 'call_to_action' | 'placeholder' | 'opt_out' | 'subject' | 'empty';
  detail: string;
}
