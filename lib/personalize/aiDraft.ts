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
import { campaignSystemPrompt, PERSONALIZE_RULES, copyJsonSchema, copyMessages, copyValidator, emailClosing, PERSONALIZE_SYSTEM_PROMPT, type CopyLead } from './aiCopyPrompt';
import type { Campaign } from '../campaigns/campaigns';
import { CAMPAIGN_TEMPLATE_SOURCE, draftStep, emailClosingOf, optOutLineOf } from '../campaigns/draft';

export interface AiDraftLead extends CopyLead {
  id: number;
  email: string;
  website: string;
  variant: Variant;
}

export interface AiDraftOptions {
  channels: readonly Channel[];
  senderName?: string;
  optOutLine?: string;
  /** The lead's campaign: its offer and sender make the prompt, its templates the copy of template variants. */
  campaign?: Campaign;
  /** The lead's custom attributes, for a campaign's templates. */
  attributes?: Record<string, string>;
}

export interface AiDraft extends MessageDraft {
  /** "groq:<model>" or the template source. */
  source: string;
  /** Why the template wrote this channel, when it did. */
  fallbackReason: string | null;
  /** Set when nobody could write this channel (a campaign's model variant, no answer and no fallback): why. */
  unwritten?: string;
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

/**
 * Every rule a model draft must pass, as sentences naming the channel. `instructions` is what the copy must not
 * repeat: the demo's whole prompt, or for a campaign only the rules (its offer and call to action are meant to be
 * echoed).
 */
export function aiDraftViolations(draft: MessageDraft, factTexts: readonly string[], instructions = PERSONALIZE_SYSTEM_PROMPT): string[] {
  const problems = checkCopy(draft).map((v) => v.detail);
  problems.push(...unsupportedClaims(`${draft.subject ?? ''}\n${draft.body}`, { texts: factTexts }));
  if (echoesInstructions(`${draft.subject ?? ''} ${draft.body}`, instructions)) {
    problems.push('the copy repeats the instructions instead of writing to the recipient');
  }
  return problems.map((p) => `${draft.channel}: ${p}`);
}

export async function draftWithAi(client: GroqClient, lead: AiDraftLead, enrichment: Enrichment, o: AiDraftOptions): Promise<AiDraft[]> {
  if (o.campaign && !o.campaign.builtin) return draftCampaignWithAi(client, lead, enrichment, o.campaign, o);
  const channels = [...new Set(o.channels)];
  const senderName = singleLine(o.senderName) || DEFAULT_SENDER_NAME;
  const optOutLine = singleLine(o.optOutLine) || DEFAULT_OPT_OUT_LINE;
  const closing = emailClosing(senderName, optOutLine);
  const facts = [
    lead.firstName, lead.lastName ?? '', lead.title, lead.company, lead.industry, lead.country ?? '', lead.email,
    enrichment.persona, enrichment.seniority, enrichment.companySize, ...enrichment.painPoints, ...enrichment.buyingTriggers,
    senderName, optOutLine,
  ];
  const asked = await askForCopy(client, lead, enrichment, channels, { system: PERSONALIZE_SYSTEM_PROMPT, instructions: PERSONALIZE_SYSTEM_PROMPT, closing, senderName, optOutLine, facts });
  const out: AiDraft[] = [];
  const templated: Channel[] = [];
  for (const channel of channels) {
    const draft = asked.drafts.get(channel);
    if (draft) out.push({ ...draft, source: aiSource(client.model), fallbackReason: null });
    else templated.push(channel);
  }
  if (templated.length) {
    const templates = draftMessages(lead, enrichment, { channels: templated, senderName, optOutLine }).filter((d) => d.variant === lead.variant);
    for (const d of templates) out.push({ ...d, source: TEMPLATE_SOURCE, fallbackReason: asked.reasons.get(d.channel) ?? 'fallback' });
  }
  return out;
}

/** Ask the model for `channels` with this prompt and closing; each channel's valid draft, or why there is none. */
async function askForCopy(
  client: GroqClient,
  lead: AiDraftLead,
  enrichment: Enrichment,
  channels: readonly Channel[],
  prompt: { system: string; instructions: string; closing: string; senderName: string; optOutLine: string; facts: string[] },
): Promise<{ drafts: Map<Channel, MessageDraft>; reasons: Map<Channel, string> }> {
  const violations = (d: MessageDraft) => aiDraftViolations(d, prompt.facts, prompt.instructions);
  const check = (answer: CopyAnswer) => draftsOf(answer, channels, lead.variant, prompt.closing).flatMap(violations);
  let value: CopyAnswer | null = null;
  let failure: string | null = null;
  try {
    const r = await askJson(client, {
      purpose: 'personalize',
      schemaName: 'outreach_copy',
      jsonSchema: copyJsonSchema(channels),
      validator: copyValidator(channels),
      messages: copyMessages(lead, enrichment, { channels, variant: lead.variant, senderName: prompt.senderName, optOutLine: prompt.optOutLine, system: prompt.system, closing: prompt.closing }),
      maxCompletionTokens: 1536,
    }, check);
    value = r.value;
    failure = r.reason && `invalid answer after one repair: ${r.reason}`;
  } catch (err) {
    if (!(err instanceof LlmRequestFailedError)) throw err;
    failure = err.message;
  }
  const drafts = new Map<Channel, MessageDraft>();
  const reasons = new Map<Channel, string>();
  const answered = new Map((value ? draftsOf(value, channels, lead.variant, prompt.closing) : []).map((d) => [d.channel, d]));
  for (const channel of channels) {
    const draft = answered.get(channel);
    const problems = draft ? violations(draft) : [];
    if (draft && problems.length === 0) drafts.set(channel, draft);
    else reasons.set(channel, draft ? `still broke the copy contract after one regeneration: ${problems.join('; ')}` : failure ?? `no ${channel} copy in the answer`);
  }
  return { drafts, reasons };
}

/**
 * A campaign's step 1 for the lead's own variant: a template variant is rendered (no model call), a model variant is
 * asked of the model with the campaign's prompt — its offer, sender and brief, its proof points as the only claims —
 * and falls back to the variant's fallback template; with none, the channel is unwritten and says why. Never the
 * demo's templates: a user's campaign never pitches the demo vendor.
 */
async function draftCampaignWithAi(client: GroqClient, lead: AiDraftLead, enrichment: Enrichment, campaign: Campaign, o: AiDraftOptions): Promise<AiDraft[]> {
  const channels = [...new Set(o.channels)];
  const { spec } = campaign;
  const step = draftStep(spec, campaign.sequence, lead, enrichment, o.attributes ?? {}, { step: 1, channels });
  const own = (channel: Channel) => step.drafts.find((d) => d.channel === channel && d.variant === lead.variant);
  const forModel = step.forModel.filter((m) => m.variant === lead.variant);
  const out: AiDraft[] = [];
  for (const channel of channels) {
    if (forModel.some((m) => m.channel === channel)) continue;
    const d = own(channel);
    if (d) out.push({ ...d, source: CAMPAIGN_TEMPLATE_SOURCE, fallbackReason: null });
  }
  if (forModel.length === 0) return out;
  const closing = emailClosingOf(spec);
  const system = campaignSystemPrompt({ offer: spec.offer, sender: spec.sender, brief: forModel[0].brief });
  const facts = [
    lead.firstName, lead.lastName ?? '', lead.title, lead.company, lead.industry, lead.country ?? '', lead.email,
    enrichment.persona, enrichment.seniority, enrichment.companySize, ...enrichment.painPoints, ...enrichment.buyingTriggers,
    spec.offer.product, spec.offer.audience, spec.offer.value, spec.offer.callToAction, ...spec.offer.proofPoints,
    spec.sender.name, spec.sender.title ?? '', spec.sender.company, optOutLineOf(spec),
  ];
  const asked = await askForCopy(client, lead, enrichment, forModel.map((m) => m.channel), {
    system, instructions: PERSONALIZE_RULES, closing, senderName: spec.sender.name, optOutLine: optOutLineOf(spec), facts,
  });
  for (const { channel } of forModel) {
    const answered = asked.drafts.get(channel);
    if (answered) {
      out.push({ ...answered, source: aiSource(client.model), fallbackReason: null });
      continue;
    }
    const reason = asked.reasons.get(channel) ?? 'no answer';
    const fallback = own(channel);
    if (fallback) out.push({ ...fallback, source: CAMPAIGN_TEMPLATE_SOURCE, fallbackReason: reason });
    else out.push({ channel, variant: lead.variant, step: 1, subject: null, body: '', source: aiSource(client.model), fallbackReason: null, unwritten: `${reason} (and the variant has no fallback template)` });
  }
  return out;
}
