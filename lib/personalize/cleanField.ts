/**
 * A lead field made fit for the middle of a sentence: trimmed, whitespace (line breaks, tabs, CR) collapsed to
 * single spaces, and '' for anything that only looks like a value: "null", "N/A", "{{firstName}}", "[Company]".
 * Imports are messy, and one unfilled field must not become a sent "Hi {{firstName}},".
 */

// Values that mean "no value": what spreadsheets, CRMs and JS string conversion leave behind.
const JUNK_VALUE = /^(?:undefined|null|nan|none|n\/?a|unknown|-+|\?+)$/i;
// Braces, brackets and %s are never part of a real name here, only of a placeholder someone forgot to fill.
const PLACEHOLDER_MARK = /[{}[\]]|%s/;
const NEEDS_SPACING_FIX = /\s\s|[\t\n\r\f\v\u00a0]/;

/** Trimmed, on one line, with single spaces; '' for a non-string. */
export function singleLine(value: string | null | undefined): string {
  if (typeof value !== 'string') return '';
  const text = value.trim();
  return NEEDS_SPACING_FIX.test(text) ? text.replace(/\s+/g, ' ') : text;
}

export function cleanField(value: string | null | undefined): string {
  const text = singleLine(value);
  if (!text || JUNK_VALUE.test(text) || PLACEHOLDER_MARK.test(text)) return '';
  return text;
}
