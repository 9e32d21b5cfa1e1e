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

/** GOOD_LEAD as someone else: a name, an address, a company, a title (and a website from the address's domain). */
export const person = (firstName: string, lastName: string, email: string, company: string, title = GOOD_LEAD.title): LeadInput => ({
  ...GOOD_LEAD,
  firstName,
  lastName,
  email,
  company,
  title,
  website: 'https://' + email.split('@')[1],
});
