/**
 * Synthetic B2B leads from a seed: the same seed and options give the same leads in the same order, whether they
 * are pulled one at a time or in batches of a thousand. Leads come in companies of 1–6 people, on reserved
 * `.example` domains (RFC 2606) so no message to them can reach anyone, and no email address repeats for a seed.
 *
 * Per lead the generator keeps O(1) memory; per company it keeps one domain (see DomainRegistry).
 */

import { LeadflowError } from '../../errors';
import { privateFaker } from './englishFaker';
import { INDUSTRIES, type Industry, type LeadInput } from '../../types';
import { drawCompanyName } from './companyName';
import { COUNTRIES, findCountry, type Country } from '../countries';
import { asciiSlug } from './asciiSlug';
import { DomainRegistry } from './domainRegistry';
import { INDUSTRY_PROFILES, SENIORITY_WEIGHTS, findIndustry } from './industries';
import { FIRST_NAMES, LAST_NAMES } from './namePools';

export interface LeadGeneratorOptions {
  /** Any safe integer; it is also written into each lead's `source` as "generator:<seed>". */
  seed: number;
  /** Restrict companies to these industries (names from INDUSTRIES, any case). Default: all six. */
  industries?: readonly string[];
  /** Restrict companies to these countries (names or aliases from COUNTRIES, any case). Default: all. */
  countries?: readonly string[];
}

export interface LeadGenerator {
  next(): LeadInput;
}

/** The TLD every generated company lives under: reserved by RFC 2606, so it never resolves. */
export const SYNTHETIC_TLD = 'example';

const MAX_EMPLOYEES_PER_COMPANY = 6;

interface CompanyDraft {
  name: string;
  domain: string;
  industry: Industry;
  country: Country;
}

export function createLeadGenerator(options: LeadGeneratorOptions): LeadGenerator {
  if (!Number.isSafeInteger(options.seed)) {
    throw new LeadflowError('input', `seed must be an integer, got ${String(options.seed)}: pass a whole number such as 42`);
  }
  const industries = chooseIndustries(options.industries);
  const countries = chooseCountries(options.countries);
  const source = `generator:${options.seed}`;

  // A private instance: the global faker is shared with whoever else imports it, and any draw they make would
  // shift our sequence.
  const faker = privateFaker(options.seed);

  const domains = new DomainRegistry(SYNTHETIC_TLD);
  const profileIdSalt = Number(BigInt.asUintN(32, BigInt(options.seed)));
  let leadIndex = 0;

  let company: CompanyDraft | undefined;
  let employeesLeft = 0;
  const localsInCompany = new Set<string>();
  const titlesInCompany = new Set<string>();

  function startCompany(): CompanyDraft {
    const industry = faker.helpers.arrayElement(industries);
    const country = faker.helpers.arrayElement(countries);
    const name = drawCompanyName(faker, industry);
    employeesLeft = faker.number.int({ min: 1, max: MAX_EMPLOYEES_PER_COMPANY });
    localsInCompany.clear();
    titlesInCompany.clear();
    return { name, domain: domains.claim(asciiSlug(name)), industry, country };
  }

  function drawTitle(industry: Industry): string {
    const titles = INDUSTRY_PROFILES[industry].titles;
    let title = '';
    // A second CTO at a five-person company reads wrong; a few redraws keep titles distinct without a loop that
    // could spin when a tier is exhausted.
    for (let attempt = 0; attempt < 3; attempt++) {
      title = faker.helpers.arrayElement(titles[drawTier()]);
      if (!titlesInCompany.has(title)) break;
    }
    titlesInCompany.add(title);
    return title;
  }

  function drawTier() {
    let roll = faker.number.int(99);
    for (const [tier, weight] of SENIORITY_WEIGHTS) {
      if (roll < weight) return tier;
      roll -= weight;
    }
    return SENIORITY_WEIGHTS[SENIORITY_WEIGHTS.length - 1][0];
  }

  return {
    next(): LeadInput {
      if (employeesLeft === 0 || !company) company = startCompany();
      employeesLeft -= 1;

      const first = faker.helpers.arrayElement(FIRST_NAMES);
      const last = faker.helpers.arrayElement(LAST_NAMES);
      const title = drawTitle(company.industry);
      const local = claimEmailLocal(first.letters, last.letters, localsInCompany);
      const profileId = shortProfileId(leadIndex, profileIdSalt);
      leadIndex += 1;

      return {
        firstName: first.display,
        lastName: last.display,
        email: `${local}@${company.domain}`,
        title,
        company: company.name,
        website: `https://www.${company.domain}`,
        linkedinUrl: `https://www.linkedin.com/in/${first.slug}-${last.slug}-${profileId}`,
        industry: company.industry,
        country: company.country.name,
        timezone: company.country.timezone,
        synthetic: true,
        source,
      };
    },
  };
}

/** `count` leads from a fresh generator: the first `count` that createLeadGenerator(options) would give. */
export function generateLeads(options: LeadGeneratorOptions & { count: number }): LeadInput[] {
  if (!Number.isSafeInteger(options.count) || options.count < 0) {
    throw new LeadflowError('input', `count must be a whole number ≥ 0, got ${String(options.count)}`);
  }
  const generator = createLeadGenerator(options);
  const leads: LeadInput[] = new Array(options.count);
  for (let i = 0; i < options.count; i++) leads[i] = generator.next();
  return leads;
}

/** first.last, then f.last, first.l, firstlast, then first.last2, first.last3 … whichever is free in the company. */
function claimEmailLocal(first: string, last: string, taken: Set<string>): string {
  let local = `${first}.${last}`;
  if (taken.has(local)) {
    const variants = [`${first[0]}.${last}`, `${first}.${last[0]}`, `${first}${last}`];
    const free = variants.find((variant) => !taken.has(variant));
    if (free) {
      local = free;
    } else {
      let n = 2;
      while (taken.has(`${first}.${last}${n}`)) n += 1;
      local = `${first}.${last}${n}`;
    }
  }
  taken.add(local);
  return local;
}

/**
 * Seven base-36 characters, different for every lead of a generator: the lead's index is scrambled by a bijection
 * on 32-bit integers (xor-shifts and odd multipliers are invertible), so ids look random yet cannot collide below
 * 2^32 leads.
 */
function shortProfileId(index: number, salt: number): string {
  let x = (index + salt) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  // `^` yields a signed 32-bit result; read the same bits as unsigned so the id never starts with "-".
  return (x >>> 0).toString(36).padStart(7, '0');
}

function chooseIndustries(names: readonly string[] | undefined): Industry[] {
  if (names === undefined) return [...INDUSTRIES];
  if (names.length === 0) {
    throw new LeadflowError('input', `industries is empty: leave it out for all industries, or pick from ${INDUSTRIES.join(', ')}`);
  }
  return unique(
    names.map((name) => {
      const industry = findIndustry(name);
      if (!industry) throw new LeadflowError('input', `Unknown industry "${name}": choose from ${INDUSTRIES.join(', ')}`);
      return industry;
    }),
  );
}

function chooseCountries(names: readonly string[] | undefined): Country[] {
  const known = COUNTRIES.map((country) => country.name).join(', ');
  if (names === undefined) return [...COUNTRIES];
  if (names.length === 0) {
    throw new LeadflowError('input', `countries is empty: leave it out for all countries, or pick from ${known}`);
  }
  return unique(
    names.map((name) => {
      const country = findCountry(name);
      if (!country) throw new LeadflowError('input', `Unknown country "${name}": choose from ${known}`);
      return country;
    }),
  );
}

// Listing an industry twice would silently double its share; the caller asked for a set.
function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
