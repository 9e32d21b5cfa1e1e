/**
 * What a campaign is, as one zod schema: whose offer, in whose voice, with which steps and templates. A campaign
 * file (YAML or JSON) is parsed here, every field checked with a sentence that names it; the linter (lint.ts) then
 * checks the templates against the variables a message can use.
 *
 *   name: payroll-restaurants
 *   offer:    { product, audience, value, proofPoints: [...], callToAction }
 *   sender:   { name, title, company, signature? }
 *   mailboxes: [ { address, dailyCap, warmup?: { start, increasePerDay } } ]   # optional: else the configured sender
 *   sequence:
 *     - email:                          # step 1
 *         - { subject: "...", body: "Hi {{ firstName }}, ..." }   # variant A
 *         - { ai: true }                                           # variant B: written by the model from the offer
 *     - delayBusinessDays: 3            # step 2, three business days after step 1
 *       email: [ { subject: "...", body: "..." } ]
 */
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { LeadflowError } from '../errors';

export const CAMPAIGN_STATES = ['draft', 'active', 'paused', 'finished'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

const line = (what: string, max = 200) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} is empty`)
    .max(max, `${what} is longer than ${max} characters`)
    .refine((s) => !/[\r\n]/.test(s), `${what} must be one line`);

const paragraph = (what: string, max: number) =>
  z.string({ error: `${what} must be text` }).trim().min(1, `${what} is empty`).max(max, `${what} is longer than ${max} characters`);

export const OfferSchema = z.strictObject({
  /** What is sold: "Tillpoint Payroll". */
  product: line('offer.product', 120),
  /** To whom: "finance leads at restaurant groups with 5 to 50 sites". */
  audience: line('offer.audience', 300),
  /** The value in a few lines. */
  value: paragraph('offer.value', 600),
  /** Facts the copy may cite — and no others. */
  proofPoints: z.array(line('a proof point', 300)).max(10, 'offer.proofPoints: at most 10').default([]),
  /** "Open to a 15-minute call next week?" */
  callToAction: line('offer.callToAction', 200),
});
export type Offer = z.infer<typeof OfferSchema>;

export const SenderSchema = z.strictObject({
  name: line('sender.name', 80),
  title: line('sender.title', 120).optional(),
  company: line('sender.company', 120),
  /** Closes each email (several lines allowed); default: the name, and "title, company" when a title is given. */
  signature: paragraph('sender.signature', 400).optional(),
  /** The visible From name; default: the sender's name. */
  fromName: line('sender.fromName', 80).optional(),
});
export type CampaignSender = z.infer<typeof SenderSchema>;

/** A variant the user writes: a subject (email only) and a body, with {{ variables }} and optional {spin|tax}. */
const TemplateVariantSchema = z.strictObject({
  subject: line('subject', 200).optional(),
  body: paragraph('body', 4000),
});

/** A variant the model writes from the offer, under the copy contract; `fallback` is used when no model is set up. */
const AiVariantSchema = z.strictObject({
  ai: z.literal(true, { error: 'ai must be true (a variant is either a template or { ai: true })' }),
  /** Extra guidance for the model, in the user's words ("mention the tip-pooling feature"). */
  brief: paragraph('brief', 600).optional(),
  fallback: TemplateVariantSchema.optional(),
});

export const VariantSchema = z.union([AiVariantSchema, TemplateVariantSchema], {
  error: 'a variant is either a template ({ subject, body }) or { ai: true }',
});
export type TemplateVariant = z.infer<typeof TemplateVariantSchema>;
export type AiVariant = z.infer<typeof AiVariantSchema>;
export type CampaignVariant = z.infer<typeof VariantSchema>;

/** One or two variants per channel: leads are split A/B, and a single variant serves both halves. */
const variants = (channel: string) =>
  z.array(VariantSchema).min(1, `${channel}: give at least one variant`).max(2, `${channel}: at most two variants (A and B)`);

export const StepSchema = z
  .strictObject({
    /** Business days after the previous step (0 for the first). */
    delayBusinessDays: z.number().int('delayBusinessDays must be a whole number').min(0).max(60).default(0),
    email: variants('email').optional(),
    linkedin: variants('linkedin').optional(),
  })
  .refine((s) => s.email || s.linkedin, 'a step needs an email or a linkedin variant');
export type CampaignStep = z.infer<typeof StepSchema>;

const DAY = /^(sun|mon|tue|wed|thu|fri|sat)$/i;

/**
 * When its mail goes out: days and hours in the recipient's own time zone (`zone: recipient`, the default; each lead
 * carries its zone) or in one zone for all, listed holidays skipped. Follow-up delays count these business days.
 */
export const WindowSchema = z
  .strictObject({
    /** "Mon-Fri", or days listed: "Mon,Wed,Fri". */
    days: z.string().trim().default('Mon-Fri'),
    /** Local hours it is open: "09-17" (from 09:00 to 17:00). */
    hours: z.string().trim().regex(/^\d{1,2}-\d{1,2}$/, 'window.hours: write the hours like "09-17"').default('09-17'),
    /** "recipient" (each lead's own zone) or an IANA zone ("Europe/Berlin"). */
    zone: z.string().trim().min(1).default('recipient'),
    /** Dates (YYYY-MM-DD, in the window's zone) nothing goes out. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'window.holidays: dates like 2026-12-24')).max(100).default([]),
  })
  .superRefine((w, ctx) => {
    const [from, to] = w.hours.split('-').map(Number);
    if (!(from < to && to <= 24)) ctx.addIssue({ code: 'custom', message: `window.hours "${w.hours}": the first hour must come before the second, up to 24`, path: ['hours'] });
    const days = w.days.includes(',') ? w.days.split(',') : w.days.split('-');
    if (!days.every((d) => DAY.test(d.trim())) || (!w.days.includes(',') && days.length > 2)) {
      ctx.addIssue({ code: 'custom', message: `window.days "${w.days}": write days like "Mon-Fri" or "Mon,Wed,Fri"`, path: ['days'] });
    }
    if (w.zone !== 'recipient') {
      try {
        new Intl.DateTimeFormat('en', { timeZone: w.zone });
      } catch {
        ctx.addIssue({ code: 'custom', message: `window.zone "${w.zone}": "recipient" or an IANA time zone such as Europe/Berlin`, path: ['zone'] });
      }
    }
  });
export type CampaignWindow = z.infer<typeof WindowSchema>;

/**
 * A mailbox the campaign sends from: its address (whose SMTP account comes from the environment, a mailboxes file or
 * an n8n credential — never from the campaign), its daily cap, and an optional warm-up ramp: the cap starts at
 * `start` on the mailbox's first sending day and grows by `increasePerDay` each day after, up to `dailyCap`.
 */
export const MailboxSchema = z.strictObject({
  address: z.email({ error: 'mailboxes: address must be an email address' }).transform((a) => a.toLowerCase()),
  /** The From name of its emails; default: the campaign sender's. */
  name: line('mailboxes: name', 80).optional(),
  dailyCap: z.number().int('mailboxes: dailyCap must be a whole number').min(1, 'mailboxes: dailyCap is at least 1').max(10_000, 'mailboxes: dailyCap is at most 10000'),
  warmup: z
    .strictObject({
      start: z.number().int().min(1, 'mailboxes: warmup.start is at least 1').max(10_000),
      increasePerDay: z.number().int().min(1, 'mailboxes: warmup.increasePerDay is at least 1').max(10_000),
    })
    .optional(),
});
export type CampaignMailbox = z.infer<typeof MailboxSchema>;

export const CampaignSpecSchema = z
  .strictObject({
    name: z
      .string({ error: 'name must be text' })
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'name: lowercase letters, digits and hyphens, starting with a letter or digit (e.g. payroll-restaurants)'),
    description: paragraph('description', 500).optional(),
    offer: OfferSchema,
    sender: SenderSchema,
    /** Closes every email (the copy contract requires an opt-out line); default: ours. */
    optOutLine: line('optOutLine', 200).optional(),
    /** When mail goes out (default: whenever the sender's own limits allow, as before campaigns). */
    window: WindowSchema.optional(),
    /**
     * The mailboxes it sends from, each with its cap: leads are spread across them by remaining capacity and a
     * lead's thread stays on its first email's mailbox. Default: the configured sender alone, under its own cap.
     */
    mailboxes: z.array(MailboxSchema).max(50, 'mailboxes: at most 50').optional(),
    /** Values for variables a lead lacks, by variable name: { firstName: "there" }. */
    fallbacks: z.record(z.string(), z.string().max(120)).default({}),
    sequence: z.array(StepSchema).min(1, 'sequence: give at least one step').max(8, 'sequence: at most 8 steps'),
  })
  .refine((c) => c.sequence[0].delayBusinessDays === 0, { message: 'the first step has no delay (delayBusinessDays: 0)', path: ['sequence', 0, 'delayBusinessDays'] })
  .refine((c) => new Set(c.mailboxes?.map((m) => m.address)).size === (c.mailboxes?.length ?? 0), {
    message: 'mailboxes: each address once',
    path: ['mailboxes'],
  })
  .refine((c) => c.sequence.slice(1).every((s) => !s.linkedin), {
    message: 'only the first step may have a linkedin variant (later LinkedIn steps are not supported yet)',
    path: ['sequence'],
  });
export type CampaignSpec = z.infer<typeof CampaignSpecSchema>;
/** What a user writes: defaults not yet applied. */
export type CampaignSpecInput = z.input<typeof CampaignSpecSchema>;

/** A campaign file or argument that is not a valid campaign: every problem, each naming its field. */
export class CampaignSpecError extends LeadflowError {
  constructor(
    readonly problems: string[],
    source: string,
  ) {
    super('input', `${source} is not a valid campaign:\n${problems.map((p) => '  - ' + p).join('\n')}`);
    this.name = 'CampaignSpecError';
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : (out ? '.' : '') + String(key);
  return out;
}

/** Validate a campaign given as an object (an MCP argument, an n8n parameter, a parsed file). */
export function parseCampaignSpec(value: unknown, source = 'the campaign'): CampaignSpec {
  const r = CampaignSpecSchema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const where = pathOf(i.path);
    if (i.code === 'unrecognized_keys') return `${where ? where + ': ' : ''}unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    return where && !i.message.startsWith(where) ? `${where}: ${i.message}` : i.message;
  });
  throw new CampaignSpecError(problems, source);
}

/** Parse a campaign file's text: YAML (which JSON also is). */
export function parseCampaignText(text: string, source: string): CampaignSpec {
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new CampaignSpecError([`cannot be read as YAML or JSON: ${(err as Error).message.split('\n')[0]}`], source);
  }
  return parseCampaignSpec(value, source);
}
