/**
 * The characters that make text say something other than what it shows: invisible format characters, line breaks
 * of every kind, and control characters. One definition for the two places that care — the lead validator, which
 * strips or refuses them where text comes in, and the composer, which keeps them out of every header it writes.
 */

// Unicode category Cf: zero-width spaces, byte-order marks, soft hyphens, and the bidi marks, overrides and
// isolates (U+200E/F, U+202A–U+202E, U+2066–U+2069) that make "Acme" display as something it is not. No name needs
// them. ZWNJ and ZWJ (U+200C/D) stay: Persian and Indic scripts spell with them, emoji sequences are joined by them,
// and neither can reorder or hide text.
const FORMAT_CHARACTERS = /(?![\u200c\u200d])\p{Cf}/gu;

/**
 * Whatever ends a line somewhere, which is how a field smuggles extra headers into an email or breaks a log line: CR
 * and LF (SMTP), and VT, FF, NEL (U+0085), LINE and PARAGRAPH SEPARATOR (U+2028/9), on which mail clients and editors
 * break too.
 */
export const LINE_BREAK = /[\n\v\f\r\u0085\u2028\u2029]/;

/** The C0 and C1 controls other than tab and the line breaks above: ESC, DEL, CSI … */
export const CONTROL_CHARACTER = /[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]/;

const NOT_ON_ONE_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]+/g;
// Most header text is plain ASCII, checked without the Unicode property lookups (a dry run composes one per lead).
const PRINTABLE_ASCII = /^[\t\x20-\x7e]*$/;
const ANY_UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]|(?![\u200c\u200d])\p{Cf}/u;

/** The text without invisible format characters (see FORMAT_CHARACTERS). */
export function withoutFormatCharacters(value: string): string {
  return value.replace(FORMAT_CHARACTERS, '');
}

/**
 * The text as one visible line, trimmed: format characters removed, each run of line breaks and controls folded to
 * a space (tab stays: it is whitespace in a header too). Fast for the common case of text with none of them.
 */
export function visibleLine(value: string): string {
  if (PRINTABLE_ASCII.test(value) || !ANY_UNSAFE.test(value)) return value.trim();
  return withoutFormatCharacters(value).replace(NOT_ON_ONE_LINE, ' ').trim();
}
