/**
 * The zod shapes tools share: enums of the domain (so a wrong value names the choices) and the output shapes of a
 * lead and its parts. Input messages say which values are allowed; the SDK adds which field it was.
 */
import { z } from 'zod';
import { CHANNELS, INDUSTRIES, LEAD_STATUSES, VARIANTS } from '../lib/types';
import { CAMPAIGN_STATES, CampaignSpecSchema } from '../lib/campaigns/spec';
import { VARIABLES } from '../lib/campaigns/variables';

export const channel = z.enum(CHANNELS, { error: `must be one of: ${CHANNELS.join(', ')}` });
export const channels = z
  .array(channel)
  .min(1, { error: `must list at least one channel (${CHANNELS.join(', ')})` })
  .transform((list) => [...new Set(list)]);
export const leadStatus = z.enum(LEAD_STATUSES, { error: `must be one of: ${LEAD_STATUSES.join(', ')}` });
export const industries = z
  .array(z.enum(INDUSTRIES, { error: `must be one of: ${INDUSTRIES.join(', ')}` }))
  .min(1, { error: `leave it out for all industries, or list some of: ${INDUSTRIES.join(', ')}` });
export const mode = z.enum(['offline', 'ai'], { error: 'must be "offline" (rules and templates, no network) or "ai" (Groq)' });

/**
 * A tool's arguments: unknown names are refused rather than dropped, so a typo (`dryRun` for `dry_run`) is an error
 * that names the real arguments instead of a call that quietly runs with defaults.
 */
export function toolInput<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown argument(s) ${issue.keys.join(', ')}: this tool takes ${known.length ? known.join(', ') : 'no arguments'}`
        : undefined,
  });
}

export function wholeNumber(name: string, min: number, max: number) {
  const say = `${name} must be a whole number from ${min} to ${max}`;
  return z.number({ error: say }).int({ error: say }).min(min, { error: say }).max(max, { error: say });
}

export const leadOut = z.object({
  id: z.number(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  title: z.string(),
  company: z.string(),
  companyDomain: z.string(),
  website: z.string(),
  linkedinUrl: z.string(),
  industry: z.string(),
  country: z.string(),
  timezone: z.string(),
  synthetic: z.boolean(),
  source: z.string(),
  variant: z.enum(VARIANTS),
  status: z.enum(LEAD_STATUSES),
  statusReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  campaignId: z.number(),
});

export const enrichmentOut = z.object({
  companySize: z.string(),
  persona: z.string(),
  seniority: z.string(),
  painPoints: z.array(z.string()),
  buyingTriggers: z.array(z.string()),
  confidence: z.number(),
  provenance: z.record(z.string(), z.string()),
  source: z.string(),
});

export const messageOut = z.object({
  id: z.number(),
  leadId: z.number(),
  channel: z.enum(CHANNELS),
  variant: z.enum(VARIANTS),
  step: z.number(),
  subject: z.string().nullable(),
  body: z.string(),
  wordCount: z.number(),
  source: z.string(),
  createdAt: z.string(),
  campaignId: z.number(),
});

export const sendOut = z.object({
  id: z.number(),
  channel: z.string(),
  step: z.number(),
  dryRun: z.boolean(),
  state: z.string().describe('the ledger state (QUEUED, SENDING, SENT, FAILED, SKIPPED, UNKNOWN); a dry run\'s record is SIMULATED: nothing was sent'),
  attempts: z.number(),
  messageId: z.number(),
  rfcMessageId: z.string().nullable(),
  response: z.string().nullable(),
  error: z.string().nullable(),
  sentAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});

export const eventOut = z.object({ id: z.number(), type: z.string(), detail: z.unknown(), createdAt: z.string() });

export const counts = z.record(z.string(), z.number());

/** A campaign named by an argument (its name, as list_campaigns gives it); the lib says which exist when none has it. */
export const campaignName = z
  .string({ error: 'campaign must be a campaign name (see list_campaigns)' })
  .trim()
  .min(1, { error: 'campaign is empty: pass a campaign name (see list_campaigns)' })
  .max(100, { error: 'campaign is a name of at most 100 characters (see list_campaigns)' });

const campaignSpecJsonSchema = z.toJSONSchema(CampaignSpecSchema, { io: 'input' }) as Record<string, unknown>;
delete campaignSpecJsonSchema.$schema; // it sits inside the tool's own schema, which names the dialect

/**
 * A whole campaign as one argument. `tools/list` shows the campaign file's own schema (the lib's), so an agent sees
 * every field it may fill; the SDK only checks that it is an object, and lib's parseCampaignSpec (inside
 * saveCampaign) judges the rest — the same sentences, naming each field by its path, as the CLI and n8n give.
 */
export const campaignSpecArg = z
  .record(z.string(), z.unknown(), { error: 'campaign must be an object: { name, offer, sender, sequence, … }' })
  .meta({
    ...campaignSpecJsonSchema,
    description:
      'The campaign, as a campaign file holds it: name (lowercase-hyphenated), offer { product, audience, value, proofPoints[], callToAction }, ' +
      'sender { name, title?, company, signature?, fromName? }, optOutLine?, fallbacks? { variable: value }, and sequence: steps ' +
      '[{ delayBusinessDays (0 for the first), email: [variant A, variant B?], linkedin?: [...] }]. A variant is a template ' +
      '{ subject (email step 1), body } or { ai: true, brief?, fallback?: { subject, body } } written by the model from the offer. ' +
      `Templates are Liquid: {{ firstName }}; variables: ${Object.keys(VARIABLES).join(', ')}, and custom["Column"] for any extra ` +
      'column of the imported file; filters such as {{ title | downcase }} and {{ x | default: "…" }}; spintax {Hi|Hello} is chosen per lead. ' +
      'Every email is closed for you with the signature (default "Best, name, title, company") and the opt-out line: do not write them in the body.',
  });

export const campaignState = z.enum(CAMPAIGN_STATES);

/** A campaign as list_campaigns shows it (lib's CampaignSummary). */
export const campaignOut = z.object({
  id: z.number(),
  name: z.string(),
  state: campaignState,
  builtin: z.boolean().describe('the built-in demo campaign: synthetic leads and leads imported without a campaign'),
  product: z.string(),
  sender: z.string(),
  steps: z.number(),
  leads: z.number(),
  byStatus: counts.describe("its leads by status"),
  updatedAt: z.string(),
});

/** What the template linter found: where (step · channel · variant · field) and what. */
export const lintFindingOut = z.object({ where: z.string(), message: z.string() });
