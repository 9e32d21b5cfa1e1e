/**
 * Outside rows (parsed CSV, spreadsheet rows, n8n item JSON) turned into leads the store can take: columns found by
 * alias or by an explicit mapping, a full name split when there is no first/last, the website borrowed from the
 * email domain when missing, the timezone from the country, and everything then checked by validateLead.
 * A row that cannot become a lead comes back with its reason; nothing is dropped silently.
 *
 * Deduplication against the store is the store layer's job; here only duplicates within one batch are caught.
 */

import type { LeadInput } from '../types';
import { planColumns, type ColumnPlan, type FieldMapping, type MappableField } from './columns';
import { findCountry } from './countries';
import { normalizeEmail } from './emailAddress';
import { isFreeMailDomain } from './freeMail';
import { isReservedDomain } from './reservedDomains';
import { reasonCode, validateLead } from './validate';

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
}

const DEFAULT_SOURCE = 'import';
const UNKNOWN_INDUSTRY = 'Unknown';
const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir']);

/** One row to one lead, or the reason it cannot be one (reasons joined with "; "). */
export function mapRow(row: Record<string, unknown>, mapping?: FieldMapping, source = DEFAULT_SOURCE): RowMapping {
  return mapPlannedRow(row, planColumns(Object.keys(row), mapping), source);
}

export function mapRows(rows: readonly Record<string, unknown>[], options: MapRowsOptions = {}): MappedRows {
  const result: MappedRows = { leads: [], rejected: [] };
  const source = options.source || DEFAULT_SOURCE;
  const firstRowOfEmail = new Map<string, number>();
  const firstRowNumber = options.firstRowNumber ?? 1;
  // Rows from one file share their columns; plan once per distinct header, not once per row.
  let plannedFor = '';
  let plan: ColumnPlan | undefined;

  rows.forEach((row, index) => {
    const rowNumber = firstRowNumber + index;
    const columns = Object.keys(row);
    const signature = columns.join('\u0000');
    if (!plan || signature !== plannedFor) {
      plan = planColumns(columns, options.mapping);
      plannedFor = signature;
    }
    const mapped = mapPlannedRow(row, plan, source);
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

function mapPlannedRow(row: Record<string, unknown>, plan: ColumnPlan, source: string): RowMapping {
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
  const websiteCell = read('website');
  const website = isBlank(websiteCell) && typeof email === 'string' ? websiteFromEmail(email) : websiteCell;
  const countryText = text('country');

  const validation = validateLead({
    firstName,
    lastName,
    email,
    title: read('title'),
    company: read('company'),
    website,
    linkedinUrl: read('linkedinUrl'),
    industry: text('industry') || UNKNOWN_INDUSTRY,
    country: findCountry(countryText)?.name ?? countryText,
    timezone: read('timezone'),
    synthetic: typeof email === 'string' && isReservedDomain(email),
    source,
  });
  if (validation.ok) return validation;
  return { ok: false, reason: validation.reasons.map((reason) => explain(reason, email)).join('; ') };
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
