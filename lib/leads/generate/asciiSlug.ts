/**
 * Names turned into the ASCII that email addresses, domains and profile URLs accept:
 * "Zoë O'Connell" → "zoe" / "oconnell", "Müller & Søn Freight" → "muller-son-freight".
 */

// NFD splits "ë" into "e" + a combining mark; the marks are what we drop. Letters with no decomposition
// (ø, ß, æ, ł) are spelled out so they do not vanish.
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const SPELLED_OUT: Record<string, string> = { ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', ł: 'l', đ: 'd', þ: 'th', ð: 'd' };
const NOT_SPELLED_OUT = /[øßæœłđþð]/g;

function asciiLowercase(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(NOT_SPELLED_OUT, (letter) => SPELLED_OUT[letter] ?? '');
}

/** Lowercase ASCII letters and digits only: apostrophes, spaces and hyphens dropped ("O'Connell" → "oconnell"). */
export function asciiLetters(text: string): string {
  return asciiLowercase(text).replace(/[^a-z0-9]/g, '');
}

/** Lowercase ASCII words joined by single hyphens, no hyphen at either end ("Smith & Sons" → "smith-sons"). */
export function asciiSlug(text: string): string {
  return asciiLowercase(text)
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
