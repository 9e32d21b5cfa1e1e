/**
 * Faker in English only, for the generator: a private, seeded instance and the English locale's word lists.
 *
 * Why not `import { Faker, en, base } from '@faker-js/faker'`: that entry builds a Faker for each of its ~70
 * locales as it loads — ~8 MB of heap, live for the whole process, which V8 then lets grow about fourfold in garbage
 * before it collects (a 1M-lead run's peak RSS). The `locale/en` entry builds one, for English, and nothing else.
 */
import type { Faker, LocaleDefinition } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';

/** English with faker's `base` fallback, merged (what `new Faker({ locale: [en, base] })` would hold). */
export const ENGLISH: LocaleDefinition = english.rawDefinitions;

/**
 * A Faker of its own, seeded: the shared `english` instance is anyone's, and a draw made on it elsewhere would shift
 * this sequence. The class is the entry's own (the package exports it only beside every locale).
 */
export function privateFaker(seed: number): Faker {
  const FakerClass = english.constructor as typeof Faker;
  const faker = new FakerClass({ locale: ENGLISH });
  faker.seed(seed);
  return faker;
}
