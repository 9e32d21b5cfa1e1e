/**
 * Outside rows (parsed CSV, spreadsheet rows, n8n item JSON) turned into leads the store can take: columns found by
 * alias or by an explicit mapping, a full name split when there is no first/last, the website borrowed from the
 * email domain when missing, the timezone from the country, and everything then checked by validateLead. Every
 * other column is kept with the lead as a custom attribute. A row that cannot become a lead comes back with its
 * reason; nothing is dropped silently.
 *
 * Deduplication against the store is the store layer's job; here only duplicates within one batch are caught.
 */

import type { LeadInput } from '../types';
import { planColumns, type ColumnPlan, type FieldMapping, type MappableField } from './columns';
import { visibleLine } from './invisibleCharacters';
import { findCountry } from './countries';
import { normalizeEmail } from './emailAddress';
import { isFreeMailDomain } from './freeMail';
import { isReservedDomain } from './reservedDomains';
import { reasonCode, replacementCharacterReason, validateLead } from './validate';
import { isLinkedInUrl, linkedInOverHttps, withScheme } from './webAddress';

export { parseCsv } from './csv';
export type { FieldMapping, MappableField } from './columns';

export type RowMapping = { ok: true; lead: LeadInput } | { ok: false; reason: string };

export interface MapRowsOptions {
  /** Overrides for columns the aliases would not find, e.g. `{ email: 'Contact E-mail' }`. */
  mapping?: FieldMapping;
  /** Written into each lead's `source`: "csv:leads.csv", "n8n", … */
  source?: string;
  /** The number of the first row given (default 1): an input mapped in batches numbers each batch on. */
  firstRowNumber?: number;
}

export interface MappedRows {
  /** rowNumber is 1-based and counts data rows only: the first row after a CSV header is row 1 (see firstRowNumber). */
  leads: { rowNumber: number; lead: LeadInput }[];
  rejected: { rowNumber: number; reason: string; row: Record<string, unknown> }[];
  /** Each distinct set of columns the rows had, and what was read from it: the import report is made from these. */
  plans: PlanUse[];
}

/** One column plan and how it was used: which column fed which field, which were kept as attributes. */
export interface PlanUse {
  plan: ColumnPlan;
  /** Rows whose website column held a LinkedIn address, read as the LinkedIn URL instead (LinkedIn's "URL"). */
  linkedinFromWebsite: number;
  /** Rows whose website column held a website. */
  websiteFromColumn: number;
}

const DEFAULT_SOURCE = 'import';
const UNKNOWN_INDUSTRY = 'Unknown';
const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir']);

/** One row to one lead, or the reason it cannot be one (reasons joined with "; "). */
export function mapRow(row: Record<string, unknown>, mapping?: FieldMapping, source = DEFAULT_SOURCE): RowMapping {
  const use: PlanUse = { plan: planColumns(Object.keys(row), mapping), linkedinFromWebsite: 0, websiteFromColumn: 0 };
  return mapPlannedRow(row, use, source);
}

export function mapRows(rows: readonly Record<string, unknown>[], options: MapRowsOptions = {}): MappedRows {
  const result: MappedRows = { leads: [], rejected: [], plans: [] };
  const source = options.source || DEFAULT_SOURCE;
  const firstRowOfEmail = new Map<string, number>();
  const firstRowNumber = options.firstRowNumber ?? 1;
  // Rows from one file share their columns; plan once per distinct header, not once per row.
  const planFor = new Map<string, PlanUse>();
  let plannedFor = '';
  let use: PlanUse | undefined;

  rows.forEach((row, index) => {
    const rowNumber = firstRowNumber + index;
    const columns = Object.keys(row);
    const signature = columns.join('\u0000');
    if (!use || signature !== plannedFor) {
      use = planFor.get(signature);
      if (!use) {
        use = { plan: planColumns(columns, options.mapping), linkedinFromWebsite: 0, websiteFromColumn: 0 };
        planFor.set(signature, use);
        result.plans.push(use);
      }
      plannedFor = signature;
    }
    const mapped = mapPlannedRow(row, use, source);
    if (!mapped.ok) {
      result.rejected.push({ rowNumber, reason: mapped.reason, row });
      return;
    }
    const earlier = firstRowOfEmail.get(mapped.lead.email);
    if (earlier !== undefined) {
      result.rejected.push({
        rowNumber,
        reason: `duplicate_in_input: ${mapped.lead.email} already appears in row ${earlier}`,
        row,
      });
      return;
    }
    firstRowOfEmail.set(mapped.lead.email, rowNumber);
    result.leads.push({ rowNumber, lead: mapped.lead });
  });
  return result;
}

function mapPlannedRow(row: Record<string, unknown>, use: PlanUse, source: string): RowMapping {
  const plan = use.plan;
  if (!plan.ok) return { ok: false, reason: plan.reason };
  const read = (field: MappableField): unknown => cell(row, plan.columns[field]);
  const text = (field: MappableField): string => {
    const value = read(field);
    return typeof value === 'string' ? value.trim() : '';
  };

  let firstName = read('firstName');
  let lastName = read('lastName');
  if (isBlank(firstName) || isBlank(lastName)) {
    const [first, last] = splitFullName(text('fullName'));
    if (isBlank(firstName)) firstName = first;
    if (isBlank(lastName)) lastName = last;
  }

  const emailCell = read('email');
  const email = typeof emailCell === 'string' ? normalizeEmail(emailCell) : emailCell;
  let websiteCell = read('website');
  let linkedinUrl = read('linkedinUrl');
  if (typeof linkedinUrl === 'string') linkedinUrl = linkedInOverHttps(linkedinUrl.trim());
  // A LinkedIn address is a person's page, never a company's website: LinkedIn's own export calls it "URL", and
  // as a website it would make linkedin.com everyone's company.
  if (typeof websiteCell === 'string' && isLinkedInUrl(linkedInOverHttps(withScheme(websiteCell)))) {
    if (isBlank(linkedinUrl)) linkedinUrl = linkedInOverHttps(withScheme(websiteCell));
    websiteCell = undefined;
    use.linkedinFromWebsite++;
  } else if (!isBlank(websiteCell)) use.websiteFromColumn++;
  const website = isBlank(websiteCell) && typeof email === 'string' ? websiteFromEmail(email) : websiteCell;
  const countryText = text('country');

  const attributes: [string, string][] = [];
  const reasons: string[] = [];
  for (const column of plan.attributes) {
    const value = attributeText(row[column]);
    if (value === '') continue;
    if (value.includes('\uFFFD')) reasons.push(replacementCharacterReason(`the column "${column}"`));
    attributes.push([column, value]);
  }

  const validation = validateLead({
    firstName,
    lastName,
    email,
    title: read('title'),
    company: read('company'),
    website,
    linkedinUrl,
    industry: text('industry') || UNKNOWN_INDUSTRY,
    country: findCountry(countryText)?.name ?? countryText,
    timezone: read('timezone'),
    synthetic: typeof email === 'string' && isReservedDomain(email),
    source,
  });
  if (validation.ok && reasons.length === 0) {
    // fromEntries, not assignment: a column may be called "__proto__".
    if (attributes.length > 0) validation.lead.attributes = Object.fromEntries(attributes);
    return validation;
  }
  if (!validation.ok) {
    const codes = new Set(validation.reasons.map(reasonCode));
    // With no email there is no domain to read a website from: the missing email is the one thing to fix.
    const own = validation.reasons.filter((r) => !(reasonCode(r) === 'missing_website' && codes.has('missing_email')));
    reasons.unshift(...own.map((reason) => explain(reason, email)));
  }
  return { ok: false, reason: reasons.join('; ') };
}

/**
 * A cell kept as an attribute, as one line of text: spreadsheet numbers and booleans as written, an object (an n8n
 * item's nested field) as its JSON, blanks as ''.
 */
function attributeText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return visibleLine(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return visibleLine(JSON.stringify(value) ?? '');
}

/**
 * The cell as validateLead should see it: strings as they are, numbers and booleans as text (spreadsheets turn
 * "2024" and "TRUE" into those), blanks as undefined; objects stay objects so validation can name the problem.
 */
function cell(row: Record<string, unknown>, column: string | undefined): unknown {
  if (column === undefined) return undefined;
  const value = row[column];
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return value;
}

function isBlank(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** "Dr. Jane van der Berg" → ["Jane", "van der Berg"]; "Berg, Jane" → ["Jane", "Berg"]. */
export function splitFullName(fullName: string): [string, string] {
  const comma = fullName.indexOf(',');
  if (comma >= 0) return [fullName.slice(comma + 1).trim(), fullName.slice(0, comma).trim()];
  const words = fullName.split(/\s+/).filter((word) => word !== '');
  while (words.length > 2 && HONORIFICS.has(words[0].toLowerCase().replace(/\.$/, ''))) words.shift();
  if (words.length === 0) return ['', ''];
  return [words[0], words.slice(1).join(' ')];
}

function websiteFromEmail(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 0 || isFreeMailDomain(email)) return undefined;
  // No "www.": we do not know the company uses it, and the bare domain is what the email proves exists.
  return `https://${email.slice(at + 1)}`;
}

// validateLead only knows the website is missing; here we know why, and what the user can do about it.
function explain(reason: string, email: unknown): string {
  if (reasonCode(reason) !== 'missing_website' || typeof email !== 'string' || !isFreeMailDomain(email)) return reason;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return `missing_website: the row has no website and ${domain} is a personal mailbox, not a company site; add a website column`;
}
