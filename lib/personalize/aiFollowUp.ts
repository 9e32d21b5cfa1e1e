/**
 * `draftFollowUpWithAi`: a sequence's later step written by the model, with the previous email as context. The
 * subject continues the thread (the template's "Re: …"), the body is held to the copy contract and the AI rules
 * (no unsupported claims, no echo of our instructions), and a draft that still breaks them after one repair — or no
 * valid answer — falls back to the template follow-up, with the reason. Deferrals and fatal errors are thrown.
 */
import { z } from 'zod';
import type { Enrichment, MessageDraft, Variant } from '../types';
import { askJson, type GroqClient } from '../llm/client';
import { LlmRequestFailedError } from '../llm/errors';
import { dataBlock } from '../llm/dataBlock';
import { singleLine } from './cleanField';
import { DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME } from './templates';
import { draftFollowUps, FOLLOW_UP_SOURCE, type PreviousStep } from './followUp';
import { campaignSystemPrompt, emailClosing, PERSONALIZE_RULES, PERSONALIZE_SYSTEM_PROMPT } from './aiCopyPrompt';
import { countWords, WORD_BUDGET } from './copyContract';
import { CAMPAIGN_TEMPLATE_SOURCE, emailClosingOf, optOutLineOf } from '../campaigns/draft';
import type { CampaignSpec } from '../campaigns/spec';
import { aiDraftViolations, aiSource, type AiDraft, type AiDraftLead } from './aiDraft';

const VOICES: Readonly<Record<Variant, string>> = {
  A: 'Voice A, direct: refer back to the earlier email in one clause, add one new reason to talk, ask for a short call.',
  B: 'Voice B, consultative: refer back once, offer one new observation about teams like theirs, ask for a short conversation.',
};

const answerSchema = z.object({ body: z.string().trim().min(20).max(1500) }).strict();

/** A campaign's follow-up: its prompt and closing, and what stands in when the model's answer cannot be used. */
export interface FollowUpCampaign {
  spec: CampaignSpec;
  brief: string | null;
  /** The variant's fallback template, rendered; null when it has none. */
  fallback: MessageDraft | null;
  /** The thread's subject ("Re: …"). */
  subject: string;
}

export async function draftFollowUpWithAi(
  client: GroqClient,
  lead: AiDraftLead,
  enrichment: Enrichment,
  previous: PreviousStep & { body: string },
  o: { senderName?: string; optOutLine?: string; campaign?: FollowUpCampaign } = {},
): Promise<AiDraft> {
  const c = o.campaign;
  const senderName = c ? c.spec.sender.name : singleLine(o.senderName) || DEFAULT_SENDER_NAME;
  const optOutLine = c ? optOutLineOf(c.spec) : singleLine(o.optOutLine) || DEFAULT_OPT_OUT_LINE;
  const template: MessageDraft | null = c
    ? c.fallback
    : draftFollowUps(lead, enrichment, previous, { senderName, optOutLine }).find((d) => d.variant === lead.variant)!;
  const closing = c ? emailClosingOf(c.spec) : emailClosing(senderName, optOutLine);
  const system = c ? campaignSystemPrompt({ offer: c.spec.offer, sender: c.spec.sender, brief: c.brief }) : PERSONALIZE_SYSTEM_PROMPT;
  // What the follow-up may mention: the lead, its research, and what the earlier email already said (and a
  // campaign's offer and proof points).
  const facts = [
    lead.firstName, lead.lastName ?? '', lead.title, lead.company, lead.industry, lead.country ?? '', lead.email,
    enrichment.persona, enrichment.seniority, enrichment.companySize, ...enrichment.painPoints, ...enrichment.buyingTriggers,
    senderName, optOutLine, previous.subject, previous.body,
    ...(c ? [c.spec.offer.product, c.spec.offer.audience, c.spec.offer.value, c.spec.offer.callToAction, ...c.spec.offer.proofPoints, c.spec.sender.company, c.spec.sender.title ?? ''] : []),
  ];
  const shape = template ?? { channel: 'email' as const, variant: lead.variant, step: previous.step + 1, subject: c?.subject ?? null };
  const asDraft = (body: string) => ({ ...shape, body: body.trim() + closing });
  const instructions = c ? PERSONALIZE_RULES : PERSONALIZE_SYSTEM_PROMPT;
  const words = Math.min(80, WORD_BUDGET.email - countWords(closing));
  let failure: string | null = null;
  try {
    const r = await askJson(
      client,
      {
        purpose: 'personalize',
        schemaName: 'follow_up',
        jsonSchema: { type: 'object', properties: { body: { type: 'string' } }, required: ['body'], additionalProperties: false },
        validator: answerSchema,
        messages: [
          { role: 'system', content: system },
          {
            role: 'user',
            content:
              `${VOICES[lead.variant]}\nWrite "body": follow-up email number ${previous.step + 1} in the same thread, at most ${words} words, ` +
              `starting with a greeting and ending with the question.\n` +
              dataBlock({
                recipient: { firstName: lead.firstName, title: lead.title, company: lead.company, industry: lead.industry },
                research: { painPoints: enrichment.painPoints, buyingTriggers: enrichment.buyingTriggers },
                earlierEmail: { subject: previous.subject, body: previous.body },
                sender: senderName,
              }),
          },
        ],
        maxCompletionTokens: 1024,
      },
      (answer) => aiDraftViolations(asDraft(answer.body), facts, instructions),
    );
    if (r.value) {
      const draft = asDraft(r.value.body);
      const problems = aiDraftViolations(draft, facts, instructions);
      if (problems.length === 0) return { ...draft, source: aiSource(client.model), fallbackReason: null };
      failure = `still broke the copy contract after one regeneration: ${problems.join('; ')}`;
    } else failure = `invalid answer after one repair: ${r.reason}`;
  } catch (err) {
    if (!(err instanceof LlmRequestFailedError)) throw err;
    failure = err.message;
  }
  if (!template) return { ...asDraft(''), source: aiSource(client.model), fallbackReason: null, unwritten: `${failure} (and the variant has no fallback template)` };
  return { ...template, source: c ? CAMPAIGN_TEMPLATE_SOURCE : FOLLOW_UP_SOURCE, fallbackReason: failure };
}
