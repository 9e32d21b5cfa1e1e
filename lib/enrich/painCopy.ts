/**
 * What an SDR would say keeps these people up at night, and what usually makes them act now, by industry and
 * job function. Pure data; painsAndTriggers.ts decides which rows apply to a lead.
 *
 * Copy rules, because templates slot these phrases into sentences: each is a lowercase noun phrase with no final
 * period, reads after "lose hours to …" / "the cost of …" (pains) and after "around …" (triggers), and avoids
 * verbs that must agree with it. Pains stay within 12 words, triggers within 9.
 */
import type { Industry } from '../types';
import type { JobFunction } from './jobFunction';

export interface PainRow {
  readonly painPoints: readonly string[];
  readonly buyingTriggers: readonly string[];
}

/** What any person in the function wrestles with, whatever the industry. */
export const BY_FUNCTION: Readonly<Record<JobFunction, PainRow>> = {
  technology: {
    painPoints: [
      'release cycles slowed by manual testing and fragile pipelines',
      'cloud spend growing faster than usage',
      'security reviews that stall launches and deals',
    ],
    buyingTriggers: ['a cloud migration or platform rebuild', 'a new security or compliance audit'],
  },
  operations: {
    painPoints: [
      'firefighting that eats the time meant for improvement work',
      'process data scattered across spreadsheets and shift notes',
      'throughput targets set without a clear view of bottlenecks',
    ],
    buyingTriggers: ['a new site or line coming online', 'a cost-reduction target from the board'],
  },
  finance: {
    painPoints: [
      'a month-end close that still takes over a week',
      'manual reconciliation across too many spreadsheets',
      'forecasts that drift from actuals by mid-quarter',
    ],
    buyingTriggers: ['an ERP migration', 'preparation for an audit or fundraise'],
  },
  revenue: {
    painPoints: [
      'a pipeline that looks full but converts late',
      'reps spending more time on admin than on selling',
      'forecast calls built on gut feel rather than data',
    ],
    buyingTriggers: ['a new sales leader or territory plan', 'a push into a new market segment'],
  },
  marketing: {
    painPoints: [
      'attribution that cannot show which spend drives pipeline',
      'campaign production that cannot keep up with the calendar',
      'leads handed to sales before they are ready',
    ],
    buyingTriggers: ['a rebrand or new product launch', 'budget planning for next year'],
  },
  supplyChain: {
    painPoints: [
      'inventory piling up in one place while another runs short',
      'supplier delays you only hear about once they hit',
      'freight costs that are hard to pin to individual orders',
    ],
    buyingTriggers: ['a new distribution center or 3PL partner', 'a supplier switch or reshoring project'],
  },
  clinical: {
    painPoints: [
      'clinician hours lost to documentation and admin',
      'patient flow bottlenecks between admission and discharge',
      'staffing gaps covered by expensive agency shifts',
    ],
    buyingTriggers: ['a new EHR rollout or upgrade', 'an upcoming accreditation survey'],
  },
  commerce: {
    painPoints: [
      'conversion leaks between product page and checkout',
      'return rates eating into margin',
      'promotions planned without reliable stock data',
    ],
    buyingTriggers: ['a replatforming project', 'peak-season planning'],
  },
  people: {
    painPoints: [
      'time-to-hire stretching while teams wait for headcount',
      'onboarding that depends on whoever has time that week',
      'attrition signals that only surface in exit interviews',
    ],
    buyingTriggers: ['a hiring plan for the next half-year', 'a reorganization or merger'],
  },
  product: {
    painPoints: [
      'roadmap debates settled by opinion rather than usage data',
      'feature launches that land without measurable adoption',
      'customer feedback scattered across tickets, calls and docs',
    ],
    buyingTriggers: ['a new pricing or packaging model', 'a major release on the roadmap'],
  },
  executive: {
    painPoints: [
      "growth targets that outpace the team's capacity",
      'decisions waiting on reports that arrive too late',
      'margin pressure that is hard to trace to a single cause',
    ],
    buyingTriggers: ['a new funding round or budget cycle', 'an expansion into a new market'],
  },
  general: {
    painPoints: [
      'manual work that piles up between systems',
      'reporting that takes days to pull together',
      'priorities competing for the same few people',
    ],
    buyingTriggers: ['a new budget cycle', 'a change in leadership or strategy'],
  },
};

/** What anyone in the industry feels, whatever their function. */
export const BY_INDUSTRY: Readonly<Record<Industry, PainRow>> = {
  Technology: {
    painPoints: ['customer churn that only shows up at renewal time', 'engineering capacity stretched across too many priorities'],
    buyingTriggers: ['a new funding round', 'a push upmarket to larger customers'],
  },
  Manufacturing: {
    painPoints: ['unplanned downtime on lines already running near capacity', 'scrap and rework that quietly erode margin'],
    buyingTriggers: ['a new plant or production line coming online', 'a spike in raw material costs'],
  },
  Healthcare: {
    painPoints: ['staff time lost to administrative work', 'patient throughput limited by scheduling gaps'],
    buyingTriggers: ['a new EHR rollout', 'a change in reimbursement rules'],
  },
  Retail: {
    painPoints: ['thin margins squeezed further by returns and markdowns', 'stock sitting in the wrong stores at the wrong time'],
    buyingTriggers: ['peak-season planning', 'new store openings or a new online channel'],
  },
  Finance: {
    painPoints: ['compliance reporting that ties up senior people every quarter', 'legacy systems slowing down new product launches'],
    buyingTriggers: ['a new regulatory requirement', 'a core system modernization'],
  },
  Logistics: {
    painPoints: ['empty miles and poorly utilized capacity', 'customers asking for ETAs you cannot confirm'],
    buyingTriggers: ['a new contract with a large shipper', 'a swing in fuel prices'],
  },
};

/** The sharpest rows: where industry and function meet in a way worth naming precisely. */
export const BY_INDUSTRY_AND_FUNCTION: Readonly<Partial<Record<Industry, Partial<Record<JobFunction, PainRow>>>>> = {
  Technology: {
    technology: {
      painPoints: [
        'on-call fatigue from noisy alerts',
        'release cycles slowed by flaky CI pipelines',
        'cloud spend growing faster than revenue',
      ],
      buyingTriggers: ['a SOC 2 or ISO 27001 audit', 'a platform migration'],
    },
    revenue: {
      painPoints: ['trial users who never talk to sales', 'expansion revenue left on the table at renewal'],
      buyingTriggers: ['a move from product-led to sales-assisted growth', 'a new sales leader joining'],
    },
    product: {
      painPoints: ['roadmap bets made without usage data', 'low adoption of recently shipped features'],
      buyingTriggers: ['a pricing change', 'a major release'],
    },
  },
  Manufacturing: {
    operations: {
      painPoints: [
        'unplanned downtime on lines already running near capacity',
        'changeovers that take longer than scheduled',
        'quality issues caught at final inspection instead of at the station',
      ],
      buyingTriggers: ['a new production line coming online', 'the kickoff of an OEE or lean program'],
    },
    supplyChain: {
      painPoints: ['component shortages that stop lines without warning', 'safety stock tying up cash'],
      buyingTriggers: ['a supplier consolidation project', 'reshoring or nearshoring part of production'],
    },
    technology: {
      painPoints: ['OT and IT data that never meet', 'legacy MES systems nobody wants to touch'],
      buyingTriggers: ['an MES or ERP upgrade', 'a plant digitalization program'],
    },
  },
  Healthcare: {
    clinical: {
      painPoints: [
        'clinician hours lost to documentation',
        'bed management run on whiteboards and phone calls',
        'agency staffing costs that keep climbing',
      ],
      buyingTriggers: ['a new EHR rollout or upgrade', 'an upcoming accreditation survey'],
    },
    operations: {
      painPoints: ['patient flow bottlenecks between admission and discharge', 'scheduling gaps that leave rooms and staff idle'],
      buyingTriggers: ['the opening of a new clinic or wing', 'a cost-reduction mandate'],
    },
    finance: {
      painPoints: ['claim denials that take weeks to rework', 'revenue cycle leakage from coding errors'],
      buyingTriggers: ['a change in payer contracts', 'a revenue cycle system change'],
    },
    technology: {
      painPoints: ['EHR integrations that break with every upgrade', 'security reviews for every new clinical app'],
      buyingTriggers: ['a new EHR rollout', 'a HIPAA risk assessment'],
    },
  },
  Retail: {
    commerce: {
      painPoints: [
        'cart abandonment between checkout and payment',
        'return rates eating into online margin',
        'product data that differs from channel to channel',
      ],
      buyingTriggers: ['a replatforming project', 'peak-season planning'],
    },
    supplyChain: {
      painPoints: ['stock sitting in the wrong stores at the wrong time', 'markdowns driven by overbuying'],
      buyingTriggers: ['the opening of a new fulfillment center', 'a move to ship-from-store'],
    },
    marketing: {
      painPoints: ['promotions that drive traffic but not margin', 'loyalty data that never reaches the store floor'],
      buyingTriggers: ['a loyalty program relaunch', 'holiday campaign planning'],
    },
  },
  Finance: {
    finance: {
      painPoints: [
        'a month-end close that still takes over a week',
        'manual reconciliations between core and ledger systems',
        'regulatory reports assembled by hand',
      ],
      buyingTriggers: ['a core banking or ERP migration', 'a new regulatory reporting deadline'],
    },
    technology: {
      painPoints: ['legacy core systems that slow every change', 'vendor risk reviews that stall new tools'],
      buyingTriggers: ['a core modernization program', 'a DORA or SOC 2 readiness project'],
    },
    revenue: {
      painPoints: ['advisors spending more time on paperwork than with clients', 'prospects lost to KYC friction during onboarding'],
      buyingTriggers: ['a new product launch', 'an expansion into a new region'],
    },
    operations: {
      painPoints: ['KYC and onboarding backlogs', 'exceptions handled over email and spreadsheets'],
      buyingTriggers: ["a regulator's review", 'a shared-services consolidation'],
    },
  },
  Logistics: {
    supplyChain: {
      painPoints: [
        'empty miles and underused capacity',
        'carrier invoices that do not match the quoted rate',
        'ETAs customers cannot rely on',
      ],
      buyingTriggers: ['a new contract with a large shipper', 'a carrier network review'],
    },
    operations: {
      painPoints: ['dock congestion and missed loading slots', 'driver and warehouse shifts planned on spreadsheets'],
      buyingTriggers: ['the opening of a new hub or warehouse', 'peak-season volume planning'],
    },
    technology: {
      painPoints: ['TMS and WMS data that never line up', 'customer integrations built one EDI feed at a time'],
      buyingTriggers: ['a TMS or WMS replacement', 'onboarding a major new customer'],
    },
  },
};
