/**
 * The first and last names the generator draws from (faker's English lists), each with its email- and URL-safe
 * spelling worked out once at load, so the per-lead path only picks and concatenates.
 */

import { LeadflowError } from '../../errors';
import { ENGLISH } from './englishFaker';
import { asciiLetters, asciiSlug } from './asciiSlug';

export interface PooledName {
  /** As written: "O'Connell". */
  display: string;
  /** For email locals: "oconnell". */
  letters: string;
  /** For profile URLs: "oconnell". */
  slug: string;
}

function pool(names: readonly string[] | undefined, which: string): PooledName[] {
  if (!names || names.length === 0) {
    throw new LeadflowError('config', `faker's English locale has no ${which} list: check that @faker-js/faker 9.x is installed`);
  }
  return names
    .map((display) => ({ display, letters: asciiLetters(display), slug: asciiSlug(display) }))
    .filter((name) => name.letters.length > 0);
}

export const FIRST_NAMES: readonly PooledName[] = pool(ENGLISH.person?.first_name?.generic, 'first-name');
export const LAST_NAMES: readonly PooledName[] = pool(ENGLISH.person?.last_name?.generic, 'last-name');
