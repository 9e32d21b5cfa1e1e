/**
 * What a company in each industry looks like to the generator: the job titles of the people we would write to,
 * grouped by seniority, and the words its name is made of. Titles carry their seniority in plain words
 * ("VP", "Director", "Head of", "Manager", "Chief"/C-suite acronyms) so enrichment can read it back from the title.
 */

import { INDUSTRIES, type Industry } from '../../types';

export type SeniorityTier = 'C-level' | 'VP' | 'Director' | 'Head of' | 'Manager';

export interface IndustryProfile {
  titles: Record<SeniorityTier, readonly string[]>;
  /** Second word of a company name: "Reichel Robotics", "Harbor Freight". */
  nameWords: readonly string[];
}

/**
 * How often each tier is drawn, in percent. Real prospect lists are bottom-heavy: more managers than chiefs.
 * Order matters: it is the order the cumulative draw walks.
 */
export const SENIORITY_WEIGHTS: readonly (readonly [SeniorityTier, number])[] = [
  ['C-level', 12],
  ['VP', 20],
  ['Director', 22],
  ['Head of', 20],
  ['Manager', 26],
];

export const INDUSTRY_PROFILES: Record<Industry, IndustryProfile> = {
  Technology: {
    titles: {
      'C-level': ['CTO', 'CEO', 'Chief Product Officer', 'CIO'],
      VP: ['VP Engineering', 'VP Product', 'VP Infrastructure'],
      Director: ['Director of Engineering', 'Director of Platform', 'Director of IT'],
      'Head of': ['Head of Data', 'Head of Security', 'Head of DevOps', 'Head of Product'],
      Manager: ['Engineering Manager', 'IT Manager', 'Data Platform Manager', 'Product Manager'],
    },
    nameWords: ['Labs', 'Systems', 'Software', 'Technologies', 'Cloud', 'Data', 'Networks', 'Digital', 'AI', 'Robotics'],
  },
  Manufacturing: {
    titles: {
      'C-level': ['COO', 'CEO', 'Chief Supply Chain Officer'],
      VP: ['VP Operations', 'VP Manufacturing', 'VP Quality'],
      Director: ['Director of Operations', 'Director of Procurement', 'Director of Quality Assurance'],
      'Head of': ['Head of Supply Chain', 'Head of Production', 'Head of Maintenance'],
      Manager: ['Plant Manager', 'Production Manager', 'Procurement Manager', 'Operations Manager'],
    },
    nameWords: ['Manufacturing', 'Industries', 'Fabrication', 'Components', 'Works', 'Machining', 'Metals', 'Plastics', 'Tooling'],
  },
  Healthcare: {
    titles: {
      'C-level': ['Chief Medical Information Officer', 'Chief Medical Officer', 'Chief Nursing Officer', 'CIO'],
      VP: ['VP Clinical Operations', 'VP Patient Experience', 'VP Health IT'],
      Director: ['Director of Clinical Operations', 'Director of Health Informatics', 'Director of Revenue Cycle'],
      'Head of': ['Head of Digital Health', 'Head of Patient Services', 'Head of Compliance'],
      Manager: ['Practice Manager', 'Clinical Systems Manager', 'Revenue Cycle Manager'],
    },
    nameWords: ['Health', 'Medical', 'Clinics', 'Care', 'Diagnostics', 'Therapeutics', 'Biosciences', 'Health Partners'],
  },
  Retail: {
    titles: {
      'C-level': ['CEO', 'Chief Marketing Officer', 'Chief Digital Officer'],
      VP: ['VP Merchandising', 'VP E-commerce', 'VP Store Operations'],
      Director: ['Director of E-commerce', 'Director of Customer Experience', 'Director of Merchandising'],
      'Head of': ['Head of E-commerce', 'Head of CRM', 'Head of Growth'],
      Manager: ['E-commerce Manager', 'Category Manager', 'Store Operations Manager', 'CRM Manager'],
    },
    nameWords: ['Retail', 'Stores', 'Outfitters', 'Market', 'Goods', 'Supply Co', 'Home', 'Apparel'],
  },
  Finance: {
    titles: {
      'C-level': ['CFO', 'Chief Risk Officer', 'CEO', 'Chief Compliance Officer'],
      VP: ['VP Finance Operations', 'VP Risk', 'VP Payments'],
      Director: ['Director of Finance', 'Director of Compliance', 'Director of Treasury'],
      'Head of': ['Head of Risk', 'Head of Payments', 'Head of Financial Planning'],
      Manager: ['Finance Manager', 'Risk Manager', 'Compliance Manager', 'Treasury Manager'],
    },
    nameWords: ['Capital', 'Financial', 'Partners', 'Bank', 'Insurance', 'Wealth', 'Payments', 'Lending', 'Advisors'],
  },
  Logistics: {
    titles: {
      'C-level': ['COO', 'CEO', 'Chief Logistics Officer'],
      VP: ['VP Logistics', 'VP Operations', 'VP Network Planning'],
      Director: ['Director of Transportation', 'Director of Warehouse Operations', 'Director of Logistics'],
      'Head of': ['Head of Fleet Operations', 'Head of Last Mile', 'Head of Warehousing'],
      Manager: ['Fleet Manager', 'Warehouse Manager', 'Dispatch Manager', 'Logistics Manager'],
    },
    nameWords: ['Logistics', 'Freight', 'Shipping', 'Transport', 'Distribution', 'Cargo', 'Fleet', 'Express'],
  },
};

/** Every title the generator may give a lead in this industry. */
export function titlesFor(industry: Industry): string[] {
  return Object.values(INDUSTRY_PROFILES[industry].titles).flat();
}

/** The industry a name refers to, ignoring case and surrounding spaces, or undefined. */
export function findIndustry(name: string): Industry | undefined {
  const wanted = name.trim().toLowerCase();
  return INDUSTRIES.find((industry) => industry.toLowerCase() === wanted);
}
