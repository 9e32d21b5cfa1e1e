/**
 * The gate every lead from outside passes before it is stored: CSV rows, n8n items, MCP tool input.
 * A lead either comes out normalized (trimmed, invisible format characters such as zero-width spaces and bidi
 * overrides removed, lowercase email, website with a scheme, a timezone filled in) or is refused with every reason
 * at once, each a short code, a colon, and what is wrong: `invalid_email: "bob@" is not an email address`. A line
 * break of any kind, or a control character, in any field is refused, never folded; so is U+FFFD, the replacement
 * character a wrong decoding leaves ("Jos\uFFFD"), which would otherwise be stored and mailed as it is. The codes are
 * what summaries count.
 *
 * Only the email, and a website to tell the company by (read from the email's domain when it is a company's), are
 * required: a person may have one name ("Suharto", "李雷", kept as the first name, the last name empty), or none,
 * and no company on record — the copy then says "Hi there" and "your company".
 */

import { z } from 'zod';
import type { LeadInput } from '../types';
import { emailAddressProblem, normalizeEmail } from './emailAddress';
import { CONTROL_CHARACTER, LINE_BREAK, withoutFormatCharacters } from './invisibleCharacters';
import { isReservedDomain } from './reservedDomains';
import { timezoneForCountry } from './countries';
import { isTimeZone } from './timezones';
import { isLinkedInUrl, isWebsite, withScheme } from './webAddress';

export { isReservedDomain } from './reservedDomains';

/** Why text holding U+FFFD is refused; `what` says where it is: `firstName`, `the column "Notes"`. */
export function replacementCharacterReason(what: string): string {
  return (
    `replacement_character: ${what} holds U+FFFD, the mark text gets when it was decoded with the wrong encoding ` +
    'somewhere before it came here; export the file again as UTF-8'
  );
}

export type LeadValidation = { ok: true; lead: LeadInput } | { ok: false; reasons: string[] };

export interface ValidationSummary {
  valid: number;
  invalid: number;
  /** How often each reason code (the part before the colon) occurred; a lead with two problems counts twice. */
  byReason: Record<string, number>;
}

interface TextRule {
  field: keyof LeadInput;
  max: number;
  /** Code for a missing or empty value; optional fields have none. */
  missing?: string;
}

function text({ field, max, missing }: TextRule) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${missing}: ${field} is required`
          : `not_text: ${field} must be text, got ${describe(issue.input)}`,
    })
    // Stripped rather than refused: pasted from web pages and CRMs, they carry nothing a field needs.
    .overwrite(withoutFormatCharacters)
    .trim()
    .min(missing ? 1 : 0, { error: `${missing}: ${field} is empty` })
    .max(max, { error: (issue) => `too_long: ${field} has ${String(issue.input).length} characters, the limit is ${max}` })
    .refine((value) => !LINE_BREAK.test(value), {
      error: `line_break: ${field} contains a line break (CR, LF, or a Unicode line or paragraph separator), which could inject email headers; remove it`,
    })
    .refine((value) => !CONTROL_CHARACTER.test(value), {
      error: `control_character: ${field} contains an invisible control character; remove it`,
    })
    .refine((value) => !value.includes('\uFFFD'), { error: replacementCharacterReason(field) });
}

function optionalText(rule: TextRule) {
  return text(rule).optional();
}

const leadSchema = z.object(
  {
    firstName: optionalText({ field: 'firstName', max: 100 }),
    lastName: optionalText({ field: 'lastName', max: 100 }),
    email: text({ field: 'email', max: 254, missing: 'missing_email' })
      .transform(normalizeEmail)
      .superRefine((email, ctx) => {
        const problem = emailAddressProblem(email);
        if (problem) ctx.addIssue({ code: 'custom', message: `invalid_email: ${quote(email)} ${problem}`, input: email });
      }),
    title: optionalText({ field: 'title', max: 200 }),
    company: optionalText({ field: 'company', max: 200 }),
    website: text({ field: 'website', max: 2048, missing: 'missing_website' })
      .transform(withScheme)
      .refine(isWebsite, {
        error: (issue) => `invalid_website: ${quote(issue.input)} is not an http(s) address of a named host`,
      }),
    linkedinUrl: optionalText({ field: 'linkedinUrl', max: 500 })
      .transform((value) => withScheme(value ?? ''))
      .refine((value) => value === '' || isLinkedInUrl(value), {
        error: (issue) =>
          `invalid_linkedin_url: ${quote(issue.input)} is not https://www.linkedin.com/in/…, /company/… or Sales Navigator's /sales/lead/…`,
      }),
    industry: text({ field: 'industry', max: 100, missing: 'missing_industry' }),
    country: optionalText({ field: 'country', max: 100 }),
    timezone: optionalText({ field: 'timezone', max: 64 }).refine(
      (value) => value === undefined || value === '' || isTimeZone(value),
      { error: (issue) => `invalid_timezone: ${quote(issue.input)} is not an IANA timezone such as Europe/Berlin` },
    ),
    synthetic: z.boolean({ error: 'not_boolean: synthetic must be true or false' }).optional(),
    source: optionalText({ field: 'source', max: 200 }),
  },
  { error: (issue) => `not_an_object: expected an object of lead fields, got ${describe(issue.input)}` },
);

export function validateLead(input: Partial<LeadInput> | unknown): LeadValidation {
  const parsed = leadSchema.safeParse(withoutNulls(input));
  if (!parsed.success) return { ok: false, reasons: parsed.error.issues.map((issue) => issue.message) };
  const fields = parsed.data;
  const country = fields.country ?? '';
  return {
    ok: true,
    lead: {
      firstName: fields.firstName ?? '',
      lastName: fields.lastName ?? '',
      email: fields.email,
      title: fields.title ?? '',
      company: fields.company ?? '',
      website: fields.website,
      linkedinUrl: fields.linkedinUrl,
      industry: fields.industry,
      country,
      timezone: fields.timezone || timezoneForCountry(country) || 'UTC',
      // Nobody can be reached at a reserved domain, so such a lead is synthetic whatever the input claims; that
      // keeps it away from the live sender.
      synthetic: fields.synthetic === true || isReservedDomain(fields.email),
      source: fields.source || 'unknown',
    },
  };
}

export function summarizeValidation(results: readonly LeadValidation[]): ValidationSummary {
  const summary: ValidationSummary = { valid: 0, invalid: 0, byReason: {} };
  for (const result of results) {
    if (result.ok) {
      summary.valid += 1;
      continue;
    }
    summary.invalid += 1;
    for (const reason of result.reasons) {
      const code = reasonCode(reason);
      summary.byReason[code] = (summary.byReason[code] ?? 0) + 1;
    }
  }
  return summary;
}

/** The machine-readable part of a reason: "invalid_email: …" → "invalid_email". */
export function reasonCode(reason: string): string {
  const colon = reason.indexOf(':');
  return colon < 0 ? reason : reason.slice(0, colon);
}

// JSON and spreadsheets write "no value" as null; for a lead that means the same as a missing field.
function withoutNulls(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value !== null) copy[key] = value;
  return copy;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${quote(value)}`;
}

// Long values are cut so a reason stays one readable line in a table of rejects.
function quote(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
