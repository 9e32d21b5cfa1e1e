/**
 * A campaign's messages for one lead and one step: each requested channel's variants rendered with the lead's
 * values (variables.ts), in both A/B halves — a channel with one variant serves both — then closed the same way
 * every email is: the signature, then the opt-out line. A variant the model writes ({ ai: true }) is not rendered
 * here: without a model its fallback template is used, and with none it is named in `unwritten`.
 */
import type { Channel, MessageDraft, Variant } from '../types';
import { DEFAULT_OPT_OUT_LINE } from '../personalize/templates';
import { singleLine } from '../personalize/cleanField';
import { threadSubject } from '../personalize/followUp';
import type { TalkingPointsInput } from '../personalize/talkingPoints';
import { compileTemplate, renderTemplate, type CompiledTemplate } from './template';
import { renderContext, type CampaignLead, type RenderContext } from './variables';
import type { CampaignSpec, CampaignVariant, TemplateVariant } from './spec';

export const CAMPAIGN_TEMPLATE_SOURCE = 'campaign-template';

interface CompiledVariant {
  subject: CompiledTemplate | null;
  body: CompiledTemplate;
}

/** A step's variant as the drafter uses it: its compiled templates, or the model's, with its fallback. */
export type StepVariant = { kind: 'template'; template: CompiledVariant } | { kind: 'ai'; brief: string | null; fallback: CompiledVariant | null };

/** Per step (index 0 = step 1), per channel: the variant for A and the one for B. */
export type CompiledSequence = Partial<Record<Channel, Record<Variant, StepVariant>>>[];

function compileVariant(v: TemplateVariant): CompiledVariant {
  return { subject: v.subject ? compileTemplate(v.subject) : null, body: compileTemplate(v.body) };
}

function stepVariant(v: CampaignVariant): StepVariant {
  if ('ai' in v) return { kind: 'ai', brief: v.brief ?? null, fallback: v.fallback ? compileVariant(v.fallback) : null };
  return { kind: 'template', template: compileVariant(v) };
}

export function compileSequence(spec: CampaignSpec): CompiledSequence {
  return spec.sequence.map((step) => {
    const out: Partial<Record<Channel, Record<Variant, StepVariant>>> = {};
    for (const channel of ['email', 'linkedin'] as const) {
      const variants = step[channel];
      if (!variants) continue;
      const a = stepVariant(variants[0]);
      out[channel] = { A: a, B: variants[1] ? stepVariant(variants[1]) : a };
    }
    return out;
  });
}

/** "Best,\nMaria Chen\nAccount Executive, Tillpoint": the signature when the campaign gives none. */
export function signatureOf(spec: CampaignSpec): string {
  if (spec.sender.signature) return spec.sender.signature.trim();
  const role = [spec.sender.title, spec.sender.company].filter(Boolean).join(', ');
  return ['Best,', spec.sender.name, role].filter(Boolean).join('\n');
}

export function optOutLineOf(spec: CampaignSpec): string {
  return singleLine(spec.optOutLine) || DEFAULT_OPT_OUT_LINE;
}

/** What follows every email body of the campaign. */
export function emailClosingOf(spec: CampaignSpec): string {
  return `\n\n${signatureOf(spec)}\n\n${optOutLineOf(spec)}`;
}

export interface StepDrafts {
  drafts: MessageDraft[];
  /** Variants nobody could write (a model's, with no model and no fallback): why. */
  unwritten: { channel: Channel; variant: Variant; reason: string }[];
  /** Variants left to the model (AI mode writes them; the template path uses their fallback when they have one). */
  forModel: { channel: Channel; variant: Variant; brief: string | null }[];
}

export interface DraftStepOptions {
  step: number;
  channels: readonly Channel[];
  /** A later step's subject when its template gives none: the thread's first subject. */
  threadOf?: string;
}

function render(spec: CampaignSpec, t: CompiledVariant, channel: Channel, variant: Variant, context: RenderContext, seed: string, o: DraftStepOptions): MessageDraft {
  const text = (c: CompiledTemplate) => renderTemplate(c, context, `${seed}|${o.step}|${channel}|${variant}`);
  const body = text(t.body).trim();
  if (channel === 'linkedin') return { channel, variant, step: o.step, subject: null, body };
  const subject = t.subject ? singleLine(text(t.subject)) : o.threadOf !== undefined ? threadSubject(o.threadOf) : '';
  return { channel, variant, step: o.step, subject, body: body + emailClosingOf(spec) };
}

export function draftStep(
  spec: CampaignSpec,
  sequence: CompiledSequence,
  lead: CampaignLead,
  enrichment: TalkingPointsInput,
  attributes: Record<string, string>,
  o: DraftStepOptions,
): StepDrafts {
  const out: StepDrafts = { drafts: [], unwritten: [], forModel: [] };
  const step = sequence[o.step - 1];
  if (!step) return out;
  const context = renderContext(spec, lead, enrichment, attributes);
  const seed = lead.email.trim().toLowerCase();
  for (const channel of new Set(o.channels)) {
    const variants = step[channel];
    if (!variants) continue;
    for (const variant of ['A', 'B'] as const) {
      const v = variants[variant];
      if (v.kind === 'ai') out.forModel.push({ channel, variant, brief: v.brief });
      const template = v.kind === 'template' ? v.template : v.fallback;
      if (template) out.drafts.push(render(spec, template, channel, variant, context, seed, o));
      else out.unwritten.push({ channel, variant, reason: `${channel} variant ${variant} of step ${o.step} is written by the model, and no model is set up (and it has no fallback template)` });
    }
  }
  return out;
}
