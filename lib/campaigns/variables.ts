/**
 * The variables a campaign template can use, in one list: what each means, the fallback a lead without it gets,
 * and a long sample value the linter renders with (so a template over its word budget is caught when the campaign
 * is saved, not when a lead with a long company name comes along).
 *
 * Lead fields (`firstName`, `company`, `title`…), enrichment (`painPoint`, `trigger`…), the sender
 * (`senderName`…), the offer (`product`, `callToAction`) and `custom.<column>`: any extra column of the imported
 * file, by its header (`{{ custom["Seniority Level"] }}`, or `{{ custom.Seniority }}` when the header is one word).
 */
import type { StageLead } from '../store/leads';
import { cleanField } from '../personalize/cleanField';
import { recipientOf } from '../personalize/recipient';
import { talkingPointsOf, type TalkingPointsInput } from '../personalize/talkingPoints';
import type { CampaignSpec } from './spec';

export interface VariableInfo {
  description: string;
  /** What a lead without a value gets, unless the campaign's `fallbacks` say otherwise. */
  fallback: string;
  /** A long, plausible value: the linter renders every template with these. */
  sample: string;
}

export const VARIABLES = {
  firstName: { description: "the lead's first name", fallback: 'there', sample: 'Alexandrina' },
  lastName: { description: "the lead's last name", fallback: '', sample: 'Worthington-Smythe' },
  fullName: { description: "the lead's full name", fallback: 'there', sample: 'Alexandrina Worthington-Smythe' },
  title: { description: "the lead's job title", fallback: 'your role', sample: 'Senior Director of Finance Operations' },
  company: { description: "the lead's company", fallback: 'your company', sample: 'Harborview Hospitality Group' },
  industry: { description: "the lead's industry", fallback: 'your industry', sample: 'Restaurants and Hospitality' },
  country: { description: "the lead's country", fallback: '', sample: 'United Kingdom' },
  website: { description: "the company's website", fallback: '', sample: 'https://www.harborview-hospitality.example' },
  painPoint: { description: 'a pain point from the enrichment, mid-sentence', fallback: 'manual work that piles up between systems', sample: 'reconciling tips and shift premiums across sites by hand' },
  trigger: { description: 'a buying trigger from the enrichment, mid-sentence', fallback: 'planning for the next quarter', sample: 'opening three new locations this year' },
  senderName: { description: "the sender's name", fallback: '', sample: '' },
  senderTitle: { description: "the sender's title", fallback: '', sample: '' },
  senderCompany: { description: "the sender's company", fallback: '', sample: '' },
  product: { description: "the offer's product", fallback: '', sample: '' },
  callToAction: { description: "the offer's call to action", fallback: '', sample: '' },
} satisfies Record<string, VariableInfo>;

export type VariableName = keyof typeof VARIABLES;
export const VARIABLE_NAMES = Object.keys(VARIABLES) as VariableName[];

/** The namespace of custom attributes: `custom.<column>`. */
export const CUSTOM = 'custom';

/** What a template renders from, for one lead. */
export type RenderContext = Record<VariableName, string> & { custom: Record<string, string> };

/** The lead fields a campaign reads (the stage's lead and its custom attributes). */
export type CampaignLead = StageLead & { lastName?: string; country?: string };

/** The values fixed by the campaign: sender and offer. Computed once per campaign, not per lead. */
export function campaignValues(spec: CampaignSpec): Pick<RenderContext, 'senderName' | 'senderTitle' | 'senderCompany' | 'product' | 'callToAction'> {
  return {
    senderName: spec.sender.name,
    senderTitle: spec.sender.title ?? '',
    senderCompany: spec.sender.company,
    product: spec.offer.product,
    callToAction: spec.offer.callToAction,
  };
}

/**
 * One lead's values: cleaned as every message's are (a "null", "N/A" or "{{firstName}}" in an import is no value),
 * and each missing one replaced by the campaign's fallback for it, else the list's.
 */
export function renderContext(spec: CampaignSpec, lead: CampaignLead, enrichment: TalkingPointsInput, attributes: Record<string, string>): RenderContext {
  const r = recipientOf(lead);
  const points = talkingPointsOf(enrichment, r.hash);
  const lastName = cleanField(lead.lastName);
  const values: Record<VariableName, string> = {
    firstName: r.firstName,
    lastName,
    fullName: [r.firstName, lastName].filter(Boolean).join(' '),
    title: r.title,
    company: cleanField(lead.company),
    industry: cleanField(lead.industry),
    country: cleanField(lead.country),
    website: cleanField(lead.website),
    painPoint: points.pain,
    trigger: points.trigger,
    ...campaignValues(spec),
  };
  for (const name of VARIABLE_NAMES) {
    if (values[name] === '') values[name] = spec.fallbacks[name] ?? VARIABLES[name].fallback;
  }
  const custom: Record<string, string> = {};
  for (const [column, value] of Object.entries(attributes)) custom[column] = cleanField(value);
  // A fallback for a custom column stands in where the lead has no value — an empty cell is not stored at all.
  for (const [key, fallback] of Object.entries(spec.fallbacks)) {
    if (!key.startsWith(`${CUSTOM}.`)) continue;
    const column = key.slice(CUSTOM.length + 1);
    if (!custom[column]) custom[column] = fallback;
  }
  return { ...values, custom };
}

/** The linter's context: every variable at its long sample (or the campaign's own value), custom ones included. */
export function sampleContext(spec: CampaignSpec, customColumns: readonly string[]): RenderContext {
  const fixed = campaignValues(spec);
  const values = {} as Record<VariableName, string>;
  for (const name of VARIABLE_NAMES) values[name] = VARIABLES[name].sample;
  Object.assign(values, fixed);
  const custom: Record<string, string> = {};
  for (const column of customColumns) custom[column] = 'a custom value of several words';
  return { ...values, custom };
}
