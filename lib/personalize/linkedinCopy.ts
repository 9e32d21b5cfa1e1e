/**
 * LinkedIn connection-message copy for step 1, in the same two voices as email (A direct and value-led,
 * B consultative and insight-led), short enough for a DM: no subject, no signature, no opt-out line.
 * As in email, the call-to-action sentence is fixed text with no lead field inside it.
 */
import type { Variant } from '../types';
import type { Recipient } from './recipient';
import type { TalkingPoints } from './talkingPoints';
import { maxFrameWords } from './copyFrame';

type Message = (r: Recipient, p: TalkingPoints) => string;

const A_MESSAGES: readonly Message[] = [
  (r, p) =>
    `Hi ${r.greetingName}, teams like yours${r.atCompany} often lose hours to ${p.pain}. We help cut that down, and it pays off fastest around ${p.trigger}. Open to a quick chat next week?`,
  (r, p) =>
    `Hi ${r.greetingName}, ${r.title ? `as ${r.title}${r.atCompany}` : r.companyKnown ? `at ${r.company}` : 'in your role'}, you likely deal with ${p.pain}. We've helped similar teams fix it, usually around ${p.trigger}. Worth a 15-minute call?`,
  (r, p) =>
    `Hi ${r.greetingName}, quick note: we help teams like yours${r.atCompany} get ahead of ${p.pain}, especially around ${p.trigger}. Open to a short call?`,
];

const B_MESSAGES: readonly Message[] = [
  (r, p) =>
    `Hi ${r.greetingName}, a pattern I keep seeing in ${r.sector}: the cost of ${p.pain} climbs around ${p.trigger}. Curious how ${r.company} handles it. Worth comparing notes on a short call?`,
  (r, p) =>
    `Hi ${r.greetingName}, I've been talking with ${r.peers} about ${p.pain}; ${p.trigger} is usually when the problem surfaces. Would you be open to swapping notes in a short chat?`,
  (r, p) =>
    `Hi ${r.greetingName}, teams that get ${p.pain} under control before ${p.trigger} have a much easier time. I'd like to hear how ${r.company} approaches it. Interested in a quick conversation?`,
];

export function linkedinMessage(variant: Variant, r: Recipient, p: TalkingPoints): string {
  const messages = variant === 'A' ? A_MESSAGES : B_MESSAGES;
  return messages[((r.hash >>> 1) & 0xff) % messages.length](r, p);
}

export function compactLinkedinMessage(variant: Variant, r: Recipient, p: TalkingPoints): string {
  return variant === 'A'
    ? `Hi ${r.greetingName}, we help teams like yours with ${p.pain}. Open to a quick chat?`
    : `Hi ${r.greetingName}, curious how your team handles ${p.pain}. Worth a short chat?`;
}

/** The most words any LinkedIn message spends around its slots (see copyFrame.ts). */
export const LINKEDIN_FRAME_WORDS: Readonly<Record<Variant, number>> = {
  A: maxFrameWords((r, p) => linkedinMessage('A', r, p)),
  B: maxFrameWords((r, p) => linkedinMessage('B', r, p)),
};
