/**
 * Follow-up copy for a sequence's later steps, written with the previous step as context: the subject continues the
 * thread ("Re: <first subject>"), the body is short, refers back once, offers one new angle (the lead's other pain
 * or trigger), and ends with a call to action and the opt-out line. Both A/B voices, like step 1, so the variant a
 * lead was assigned carries through the whole sequence. The copy contract checks these like any other draft.
 */
import type { MessageDraft, Variant } from '../types';
import { recipientOf, type RecipientInput } from './recipient';
import { talkingPointsOf, type TalkingPointsInput } from './talkingPoints';
import { singleLine } from './cleanField';
import { DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME } from './templates';

export const FOLLOW_UP_SOURCE = 'follow-up-v1';

export interface PreviousStep {
  /** The subject that opened the thread (step 1). */
  subject: string;
  step: number;
}

/** "Re: <subject>" for a later step of a thread (a "Re:" already there is not doubled), within the subject limit. */
export function threadSubject(subject: string): string {
  const clean = singleLine(subject).replace(/^(re:\s*)+/i, '');
  return `Re: ${clean}`.slice(0, 80);
}

function body(variant: Variant, step: number, lead: RecipientInput, enrichment: TalkingPointsInput, sender: string, optOut: string): string {
  const r = recipientOf(lead);
  // A different angle than step 1: shift the hash so the other pain/trigger is picked when there is one.
  const p = talkingPointsOf(enrichment, r.hash + 8 * step + 32);
  const last = step >= 3;
  const lines =
    variant === 'A'
      ? [
          `Hi ${r.greetingName},`,
          '',
          last
            ? `Last note from me on this. If ${p.pain} is on your list for ${r.company}, I can share a short plan that fits your team.`
            : `Following up on my note below. One more angle: teams often tackle ${p.pain} right around ${p.trigger}.`,
          '',
          last ? 'Would a 15-minute call next week be useful?' : 'Open to a 15-minute call to compare notes?',
        ]
      : [
          `Hi ${r.greetingName},`,
          '',
          last
            ? `Closing the loop: if ${p.pain} matters at ${r.company} this year, I'm happy to send what we've seen work.`
            : `A thought since my last email: ${p.trigger} is usually when ${p.pain} starts to cost the most.`,
          '',
          last ? 'Is it worth a short conversation, or should I stop here?' : 'Worth a short chat to see how others handle it?',
        ];
  return [...lines, '', 'Best,', sender, '', optOut].join('\n');
}

export function draftFollowUps(
  lead: RecipientInput,
  enrichment: TalkingPointsInput,
  previous: PreviousStep,
  o: { senderName?: string; optOutLine?: string } = {},
): MessageDraft[] {
  const step = previous.step + 1;
  const sender = singleLine(o.senderName) || DEFAULT_SENDER_NAME;
  const optOut = singleLine(o.optOutLine) || DEFAULT_OPT_OUT_LINE;
  return (['A', 'B'] as const).map((variant) => ({
    channel: 'email' as const,
    variant,
    step,
    subject: threadSubject(previous.subject),
    body: body(variant, step, lead, enrichment, sender, optOut),
  }));
}
