/**
 * The countries leadflow knows by name: each with the IANA timezone its business hours are planned in.
 * The generator draws from this table, and imported rows without a timezone borrow theirs from it, so a lead
 * from either source lands in the same send window for the same country.
 */

export interface Country {
  name: string;
  /** One IANA zone per country: the one most of its business population works in. */
  timezone: string;
  /** Other spellings seen in CRM exports and spreadsheets, lowercase. */
  aliases: readonly string[];
}

export const COUNTRIES: readonly Country[] = [
  { name: 'United States', timezone: 'America/New_York', aliases: ['us', 'usa', 'united states of america', 'america'] },
  { name: 'United Kingdom', timezone: 'Europe/London', aliases: ['uk', 'gb', 'great britain', 'britain', 'england'] },
  { name: 'Germany', timezone: 'Europe/Berlin', aliases: ['de', 'deutschland'] },
  { name: 'France', timezone: 'Europe/Paris', aliases: ['fr'] },
  { name: 'Netherlands', timezone: 'Europe/Amsterdam', aliases: ['nl', 'the netherlands', 'holland'] },
  { name: 'Sweden', timezone: 'Europe/Stockholm', aliases: ['se', 'sverige'] },
  { name: 'Canada', timezone: 'America/Toronto', aliases: ['ca'] },
  { name: 'Australia', timezone: 'Australia/Sydney', aliases: ['au'] },
  { name: 'India', timezone: 'Asia/Kolkata', aliases: ['in'] },
  { name: 'Japan', timezone: 'Asia/Tokyo', aliases: ['jp'] },
  { name: 'Singapore', timezone: 'Asia/Singapore', aliases: ['sg'] },
  { name: 'Brazil', timezone: 'America/Sao_Paulo', aliases: ['br', 'brasil'] },
];

const byLowercaseName = new Map<string, Country>();
for (const country of COUNTRIES) {
  byLowercaseName.set(country.name.toLowerCase(), country);
  for (const alias of country.aliases) byLowercaseName.set(alias, country);
}

/** The country a name or common alias refers to ("usa", "Deutschland", " Germany "), or undefined. */
export function findCountry(name: string): Country | undefined {
  return byLowercaseName.get(name.trim().toLowerCase());
}

/** The IANA timezone for a known country name or alias, or undefined when the country is not in the table. */
export function timezoneForCountry(name: string): string | undefined {
  return findCountry(name)?.timezone;
}
