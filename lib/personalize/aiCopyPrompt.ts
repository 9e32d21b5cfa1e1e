/**
 * What personalization asks the model: the step-1 copy for one lead in its A/B voice, on the requested channels,
 * as JSON. The signature and the opt-out line are ours, appended after the answer, so the model can neither drop
 * nor reword them; the word budget it is given is what remains once they are counted. Bump
 * PERSONALIZE_PROMPT_VERSION when the wording or the schema changes.
 */
import { z } from 'zod';
import type { Channel, Enrichment, Variant } from '../types';
import type { ChatMessage } from '../llm/client';
import { DATA_BLOCK_RULE, dataBlock } from '../llm/dataBlock';
import { SUBJECT_LIMIT, WORD_BUDGET } from './copyLimits';
import { countWords } from './wordCount';

export const PERSONALIZE_PROMPT_VERSION = 'personalize-v1';

const VOICES: Readonly<Record<Variant, string>> = {
  A: 'Voice A, direct and value-led: name the likely problem, say in one sentence how we help, then ask for a short call.',
  B: 'Voice B, consultative and insight-led: share a pattern seen at similar teams, show curiosity about theirs, then ask for a short conversation.',
};

const RULES = [
  'Write only about what the data says: the recipient, their role, their company name, the industry and the listed pains and triggers.',
  'Never invent facts about the company: no numbers, customers, products, funding, news or people that are not in the data.',
  'No placeholders or brackets. End the message with one question that proposes a short call or conversation.',
  'The email body starts with a greeting and stops after the question: the signature and opt-out line are added for you.',
  'Answer with one JSON object that matches the schema, nothing else.',
  DATA_BLOCK_RULE,
];

/**
 * The rules every prompt carries: what the copy must never repeat (a sign that injected text steered the model). A
 * campaign's own words in its prompt — the offer, the call to action — are what the copy is meant to echo.
 */
export const PERSONALIZE_RULES = RULES.join(' ');

/** The built-in demo's prompt: the made-up vendor the demo has always pitched. */
export const PERSONALIZE_SYSTEM_PROMPT = ['You write short, plain, respectful B2B cold outreach for a workflow automation vendor.', ...RULES].join(' ');

/** What a campaign tells the model about whose outreach it writes. */
export interface CopyCampaign {
  offer: { product: string; audience: string; value: string; proofPoints: readonly string[]; callToAction: string };
  sender: { name: string; title?: string; company: string };
  /** The variant's brief, in the user's words. */
  brief?: string | null;
}

/**
 * A campaign's prompt: the offer and the sender as the user wrote them, the proof points as the only claims the copy
 * may make about the sender's side, then the same rules as every prompt.
 */
export function campaignSystemPrompt(c: CopyCampaign): string {
  const proof = c.offer.proofPoints.length
    ? `The only claims you may make about ${c.sender.company} or its customers are these proof points: ${c.offer.proofPoints.map((p) => `"${p}"`).join('; ')}.`
    : `Make no claims about ${c.sender.company}'s customers or results.`;
  return [
    `You write short, plain, respectful B2B cold outreach for ${c.sender.company}, on behalf of ${c.sender.name}${c.sender.title ? `, ${c.sender.title}` : ''}.`,
    `The offer: ${c.offer.product}, for ${c.offer.audience}. ${c.offer.value}`,
    proof,
    `The call to action to close with, in your own words: ${c.offer.callToAction}`,
    ...(c.brief ? [`The sender's brief for this message: ${c.brief}`] : []),
    ...RULES,
  ].join(' ');
}

export interface CopyLead {
  firstName: string;
  lastName?: string;
  title: string;
  company: string;
  industry: string;
  country?: string;
}

export interface CopyRequest {
  channels: readonly Channel[];
  variant: Variant;
  senderName: string;
  optOutLine: string;
  /** The system prompt (the demo's, or a campaign's). */
  system?: string;
  /** What follows the model's email body: words it must leave room for. */
  closing?: string;
}

/** "Best,\n<sender>\n\n<opt-out>": what follows every AI email body. */
export function emailClosing(senderName: string, optOutLine: string): string {
  return `\n\nBest,\n${senderName}\n\n${optOutLine}`;
}

export function emailWordsForModel(senderName: string, optOutLine: string): number {
  return WORD_BUDGET.email - countWords(emailClosing(senderName, optOutLine));
}

export function copyValidator(channels: readonly Channel[]) {
  const shape: Record<string, z.ZodType> = {};
  if (channels.includes('email')) {
    shape.email = z.object({ subject: z.string().trim().min(3).max(SUBJECT_LIMIT), body: z.string().trim().min(20).max(2000) }).strict();
  }
  if (channels.includes('linkedin')) shape.linkedin = z.object({ body: z.string().trim().min(10).max(1000) }).strict();
  return z.object(shape).strict() as z.ZodType<{ email?: { subject: string; body: string }; linkedin?: { body: string } }>;
}

export function copyJsonSchema(channels: readonly Channel[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (channels.includes('email')) {
    properties.email = {
      type: 'object',
      properties: { subject: { type: 'string' }, body: { type: 'string' } },
      required: ['subject', 'body'],
      additionalProperties: false,
    };
  }
  if (channels.includes('linkedin')) {
    properties.linkedin = { type: 'object', properties: { body: { type: 'string' } }, required: ['body'], additionalProperties: false };
  }
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

export function copyMessages(lead: CopyLead, enrichment: Pick<Enrichment, 'persona' | 'seniority' | 'painPoints' | 'buyingTriggers' | 'companySize'>, r: CopyRequest): ChatMessage[] {
  const asks: string[] = [];
  if (r.channels.includes('email')) {
    const words = r.closing === undefined ? emailWordsForModel(r.senderName, r.optOutLine) : WORD_BUDGET.email - countWords(r.closing);
    asks.push(`"email": a subject (at most ${SUBJECT_LIMIT} characters) and a body of at most ${words} words.`);
  }
  if (r.channels.includes('linkedin')) asks.push(`"linkedin": a connection message body of at most ${WORD_BUDGET.linkedin} words, no subject.`);
  const data = {
    recipient: { firstName: lead.firstName, lastName: lead.lastName ?? '', title: lead.title, company: lead.company, industry: lead.industry, country: lead.country ?? '' },
    research: {
      companySize: enrichment.companySize,
      persona: enrichment.persona,
      seniority: enrichment.seniority,
      painPoints: enrichment.painPoints,
      buyingTriggers: enrichment.buyingTriggers,
    },
    sender: r.senderName,
  };
  return [
    { role: 'system', content: r.system ?? PERSONALIZE_SYSTEM_PROMPT },
    { role: 'user', content: `${VOICES[r.variant]}\nWrite ${asks.join(' And ')}\n${dataBlock(data)}` },
  ];
}
