/**
 * The model's reading of a reply, when AI is set up: the same intents as the rules (replyIntent.ts), asked as strict
 * JSON and validated. The rules stay the floor: an opt-out the rules see is never overruled (a person who wrote
 * "remove me" is removed, whatever the model thinks), and when the model gives no valid answer the rules' reading
 * stands. The reply's words are data, in a delimited block, never instructions.
 */
import { z } from 'zod';
import { askJson, type GroqClient } from '../llm/client';
import { LlmDeferredError, LlmRequestFailedError } from '../llm/errors';
import { DATA_BLOCK_RULE, dataBlock } from '../llm/dataBlock';
import { ownWords, readReplyIntent, REPLY_INTENTS, type IntentReading } from './replyIntent';

const SYSTEM = [
  'You read one reply to a B2B cold email and say what the person means.',
  'interested: wants to talk, asks for details, a time or pricing. not_interested: declines. unsubscribe: asks not to be emailed again, in any words or language.',
  'wrong_person: says they are not the right contact or have left; put the address they point to in referral if they give one, else an empty string. neutral: none of these.',
  'Answer with one JSON object that matches the schema, nothing else.',
  DATA_BLOCK_RULE,
].join(' ');

const answerSchema = z.object({ intent: z.enum(REPLY_INTENTS), referral: z.string().max(254) }).strict();

export interface ModelReading extends IntentReading {
  /** "model", or "rules" when the rules' reading stood (an opt-out, or no valid answer), with why. */
  by: 'model' | 'rules';
  note: string | null;
}

export async function readReplyIntentWithAi(client: GroqClient, text: string, subject = ''): Promise<ModelReading> {
  const rules = readReplyIntent(text, subject);
  if (rules.intent === 'unsubscribe') return { ...rules, by: 'rules', note: 'an opt-out the rules see is never overruled' };
  try {
    const r = await askJson(client, {
      purpose: 'replies',
      schemaName: 'reply_intent',
      jsonSchema: {
        type: 'object',
        properties: { intent: { type: 'string', enum: [...REPLY_INTENTS] }, referral: { type: 'string' } },
        required: ['intent', 'referral'],
        additionalProperties: false,
      },
      validator: answerSchema,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: `Classify this reply.\n${dataBlock({ subject, reply: ownWords(text).slice(0, 4000) })}` },
      ],
      maxCompletionTokens: 256,
    });
    if (!r.value) return { ...rules, by: 'rules', note: `no valid answer from the model: ${r.reason ?? 'invalid'}` };
    const referral = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(r.value.referral.trim()) ? r.value.referral.trim().toLowerCase() : null;
    return { intent: r.value.intent, matched: null, referral: r.value.intent === 'wrong_person' ? (referral ?? rules.referral) : null, by: 'model', note: null };
  } catch (err) {
    if (!(err instanceof LlmRequestFailedError) && !(err instanceof LlmDeferredError)) throw err;
    return { ...rules, by: 'rules', note: `the model could not be asked: ${err.message}` };
  }
}
