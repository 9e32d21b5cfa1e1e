/** Synthetic leads spread over a fixed number of companies (round robin), for cache and budget tests and the bench. */
import { createLeadGenerator } from '../../lib/leads/generate/generate';
import type { LeadInput } from '../../lib/types';

export function leadsFromCompanies(n: number, companies: number, seed = 7): LeadInput[] {
  const gen = createLeadGenerator({ seed });
  const heads: LeadInput[] = [];
  const people: LeadInput[] = [];
  while (heads.length < companies || people.length < n) {
    const lead = gen.next();
    if (heads.length < companies && !heads.some((h) => h.website === lead.website)) heads.push(lead);
    else people.push(lead);
  }
  return people.slice(0, n).map((lead, i) => {
    const c = heads[i % companies];
    const domain = new URL(c.website).hostname.replace(/^www\./, '');
    const local = lead.email.split('@')[0];
    return { ...lead, company: c.company, industry: c.industry, website: c.website, email: `${local}.${i}@${domain}` };
  });
}
