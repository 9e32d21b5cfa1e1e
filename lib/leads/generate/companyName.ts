/**
 * Company names that sound like their industry: "Reichel Robotics", "Harbor Freight", "Kunze & Lind Capital".
 * Built by picking from arrays rather than faker.company.name() templates: cheaper on the hot path, and the
 * industry word tells a reader (and the enrichment rules) what the company does.
 */

import type { Faker } from '@faker-js/faker';
import type { Industry } from '../../types';
import { INDUSTRY_PROFILES } from './industries';
import { LAST_NAMES } from './namePools';

const BRAND_WORDS = [
  'Summit', 'Harbor', 'Northwind', 'Bluebird', 'Ironwood', 'Cedar', 'Granite', 'Meridian', 'Beacon', 'Silverline',
  'Redwood', 'Atlas', 'Evergreen', 'Pioneer', 'Keystone', 'Riverbend', 'Lakeside', 'Crescent', 'Horizon', 'Falcon',
  'Oakridge', 'Brightwater', 'Stonebridge', 'Westfield', 'Eastgate', 'Copper', 'Juniper', 'Aspen', 'Sterling',
  'Vantage', 'Northstar', 'Bayside', 'Highland', 'Clearwater', 'Greenfield', 'Orchard', 'Kestrel', 'Maple',
  'Tidewater', 'Ridgeline', 'Foxglove', 'Lighthouse', 'Blackstone', 'Silver Birch', 'Windmill', 'Anchor',
] as const;

export function drawCompanyName(faker: Faker, industry: Industry): string {
  const word = faker.helpers.arrayElement(INDUSTRY_PROFILES[industry].nameWords);
  const shape = faker.number.int(99);
  if (shape < 45) return `${faker.helpers.arrayElement(LAST_NAMES).display} ${word}`;
  if (shape < 80) return `${faker.helpers.arrayElement(BRAND_WORDS)} ${word}`;
  const partner = faker.helpers.arrayElement(LAST_NAMES).display;
  return `${faker.helpers.arrayElement(LAST_NAMES).display} & ${partner} ${word}`;
}
