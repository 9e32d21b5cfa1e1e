/** One valid lead as the validator takes it, for tests that change a field at a time. */
import type { LeadInput } from '../../lib/types';

export const GOOD_LEAD: LeadInput = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada.lovelace@analytical.io',
  title: 'CTO',
  company: 'Analytical Engines',
  website: 'https://analytical.io',
  linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace',
  industry: 'Technology',
  country: 'United Kingdom',
  timezone: 'Europe/London',
  synthetic: false,
  source: 'test',
};
