/**
 * `draftWithAi`: one lead's step-1 copy in its variant, written by the model and held to the same copy contract as
 * templates, plus the AI-only rules (no unsupported claims, no echo of our instructions). A channel whose draft
 * breaks a rule is asked for once more with the violations named; if it still breaks one, or no valid answer comes,
 * that channel gets the template draft and the reason is returned. Deferrals and fatal errors are thrown.
 */
import type { Channel, Enrichment, MessageDraft, Variant } from '../types';
import { askJson, type GroqClient } from '../llm/client';
import { LlmRequestFailedError } from '../llm/errors';
import { checkCopy } from './copyContract';
import { draftMessages, DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME, TEMPLATE_SOURCE } from './templates';
import { singleLine } from './cleanField';
import { echoesInstructions, unsupportedClaims } from './aiClaims';
import { copyJsonSchema, copyMessages, copyValidator, emailClosing, PERSONALIZE_SYSTEM_PROMPT, type CopyLead } from './aiCopyPrompt';

export interface AiDraftLead extends CopyLead {
  email: string;
  variant: Variant;
}

export interface AiDraftOptions {
  channels: readonly Channel[];
  senderName?: string;
  optOutLine?: string;
}

export interface AiDraft extends MessageDraft {
  /** "groq:<model>" or the template source. */
  source: string;
  /** Why the template wrote this channel, when it did. */
  fallbackReason: string | null;
}

type CopyAnswer = { email?: { subject: string; body: string }; linkedin?: { body: string } };

export function aiSource(model: string): string {
  return `groq:${model}`;
}

function draftsOf(answer: CopyAnswer, channels: readonly Channel[], variant: Variant, closing: string): MessageDraft[] {
  const out: MessageDraft[] = [];
  if (channels.includes('email') && answer.email) {
    out.push({ channel: 'email', variant, step: 1, subject: singleLine(answer.email.subject), body: answer.email.body.trim() + closing });
  }
  if (channels.includes('linkedin') && answer.linkedin) {
    out.push({ channel: 'linkedin', variant, step: 1, subject: null, body: answer.linkedin.body.trim() });
  }
  return out;
}

/** Every rule a model draft must pass, as sentences naming the channel. */
export function aiDraftViolations(draft: MessageDraft, factTexts: readonly string[]): string[] {
  const problems = checkCopy(draft).map((v) => v.detail);
  problems.push(...unsupportedClaims(`${draft.subject ?? ''}\n${draft.body}`, { texts: factTexts }));
  if (echoesInstructions(`${draft.subject ?? ''} ${draft.body}`, PERSONALIZE_SYSTEM_PROMPT)) {
    problems.push('the copy repeats the instructions instead of writing to the recipient');
  }
  return problems.map((p) => `${draft.channel}: ${p}`);
}

export async function draftWithAi(client: GroqClient, lead: AiDraftLead, enrichment: Enrichment, o: AiDraftOptions): Promise<AiDraft[]> {
  const channels = [...new Set(o.channels)];
  const senderName = singleLine(o.senderName) || DEFAULT_SENDER_NAME;
  const optOutLine = singleLine(o.optOutLine) || DEFAULT_OPT_OUT_LINE;
  const closing = emailClosing(senderName, optOutLine);
  const facts = [
    lead.firstName, lead.lastName ?? '', lead.title, lead.company, lead.industry, lead.country ?? '', lead.email,
    enrichment.persona, enrichment.seniority, enrichment.companySize, ...enrichment.painPoints, ...enrichment.buyingTriggers,
    senderName, optOutLine,
  ];
  const check = (answer: CopyAnswer) => draftsOf(answer, channels, lead.variant, closing).flatMap((d) => aiDraftViolations(d, facts));

  let value: CopyAnswer | null = null;
  let failure: string | null = null;
  try {
    const r = await askJson(client, {
      purpose: 'personalize',
      schemaName: 'outreach_copy',
      jsonSchema: copyJsonSchema(channels),
      validator: copyValidator(channels),
      messages: copyMessages(lead, enrichment, { channels, variant: lead.variant, senderName, optOutLine }),
      maxCompletionTokens: 1536,
    }, check);
    value = r.value;
    failure = r.reason && `invalid answer after one repair: ${r.reason}`;
  } catch (err) {
    if (!(err instanceof LlmRequestFailedError)) throw err;
    failure = err.message;
  }

  const out: AiDraft[] = [];
  const templated: Channel[] = [];
  const reasons = new Map<Channel, string>();
  const byChannel = new Map((value ? draftsOf(value, channels, lead.variant, closing) : []).map((d) => [d.channel, d]));
  for (const channel of channels) {
    const draft = byChannel.get(channel);
    const problems = draft ? aiDraftViolations(draft, facts) : [];
    if (draft && problems.length === 0) out.push({ ...draft, source: aiSource(client.model), fallbackReason: null });
    else {
      templated.push(channel);
      reasons.set(channel, draft ? `still broke the copy contract after one regeneration: ${problems.join('; ')}` : failure ?? `no ${channel} copy in the answer`);
    }
  }
  if (templated.length) {
    const templates = draftMessages(lead, enrichment, { channels: templated, senderName, optOutLine }).filter((d) => d.variant === lead.variant);
    for (const d of templates) out.push({ ...d, source: TEMPLATE_SOURCE, fallbackReason: reasons.get(d.channel) ?? 'fallback' });
  }
  return out;
}
