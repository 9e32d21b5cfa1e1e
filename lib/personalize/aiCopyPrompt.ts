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

export const PERSONALIZE_SYSTEM_PROMPT = [
  'You write short, plain, respectful B2B cold outreach for a workflow automation vendor.',
  'Write only about what the data says: the recipient, their role, their company name, the industry and the listed pains and triggers.',
  'Never invent facts about the company: no numbers, customers, products, funding, news or people that are not in the data.',
  'No placeholders or brackets. End the message with one question that proposes a short call or conversation.',
  'The email body starts with a greeting and stops after the question: the signature and opt-out line are added for you.',
  'Answer with one JSON object that matches the schema, nothing else.',
  DATA_BLOCK_RULE,
].join(' ');

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
    asks.push(`"email": a subject (at most ${SUBJECT_LIMIT} characters) and a body of at most ${emailWordsForModel(r.senderName, r.optOutLine)} words.`);
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
    { role: 'system', content: PERSONALIZE_SYSTEM_PROMPT },
    { role: 'user', content: `${VOICES[r.variant]}\nWrite ${asks.join(' And ')}\n${dataBlock(data)}` },
  ];
}
