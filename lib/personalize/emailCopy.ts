/**
 * Cold email copy for step 1, in two voices: A is direct and value-led (the problem, what we do, a call),
 * B is consultative and insight-led (a pattern we see, curiosity about theirs, a conversation). Each voice has a
 * few phrasings per slot, picked by the recipient's hash; a compact form stands in when long names or a long
 * opt-out line would push the full form over the word budget.
 *
 * Copy rules: call-to-action sentences are fixed text (a company like "St. Mary Inc." must not split the question
 * the contract looks for), and pains and triggers sit where singular or plural both read right.
 */
import type { Variant } from '../types';
import { SUBJECT_LIMIT } from './copyLimits';
import type { Recipient } from './recipient';
import type { TalkingPoints } from './talkingPoints';
import { FRAME_PROBE_WORD, maxFrameWords } from './copyFrame';

type Line = (r: Recipient, p: TalkingPoints) => string;

const A_SUBJECTS: readonly Line[] = [
  (r) => `Idea for ${r.company}`,
  (r) => (r.firstName ? `${r.firstName}, a quick idea for ${r.company}` : `A quick idea for ${r.company}`),
  (r) => `Quick question about ${r.company}`,
];
const A_OPENERS: readonly Line[] = [
  (r, p) => `${r.title ? `As ${r.title}` : 'In your role'}${r.atCompany}, you probably deal with ${p.pain}.`,
  (r, p) => `Teams like yours${r.atCompany} often lose hours to ${p.pain}.`,
  (r, p) => `${r.companyKnown ? r.company : 'Your company'} came up while I was looking at teams dealing with ${p.pain}.`,
];
const A_VALUES: readonly Line[] = [
  (_r, p) => `We help cut that down without adding headcount, and it tends to pay off fastest around ${p.trigger}.`,
  (_r, p) => `We help teams get that under control; most bring us in around ${p.trigger}.`,
  (_r, p) => `We've helped similar teams fix exactly this, usually around ${p.trigger}.`,
];
const A_CTAS: readonly string[] = [
  'Open to a 15-minute call next week?',
  'Worth a quick 15-minute call to see if we can help?',
  'Would you be open to a short call on Tuesday or Thursday?',
];

const B_SUBJECTS: readonly Line[] = [
  (r) => `A pattern we keep seeing in ${r.sector}`,
  (r) => (r.firstName ? `${r.firstName}, worth comparing notes?` : 'Worth comparing notes?'),
  (r) => `An observation for ${r.company}`,
];
const B_OPENERS: readonly Line[] = [
  (r, p) => `Something we keep seeing in ${r.sector}: the cost of ${p.pain} climbs fastest around ${p.trigger}.`,
  (r, p) => `A pattern from working with ${r.peers}: the ones that handle ${p.trigger} well deal with ${p.pain} first.`,
  (r, p) => `One thing I've learned from ${r.peers}: ${p.trigger} is usually when the cost of ${p.pain} becomes visible to leadership.`,
];
const B_REFLECTIONS: readonly Line[] = [
  (r) => `I'd be curious how ${r.company} is approaching it.`,
  () => `I put together a short note on what the best-run teams do differently, and I'm happy to share it.`,
  (r) => `No pitch here: I'd mostly like to hear how ${r.company} thinks about it.`,
];
const B_CTAS: readonly string[] = [
  'Would it be worth comparing notes on a 15-minute call?',
  'Open to a short conversation to swap notes?',
  "If it's useful, would you be open to a 15-minute call next week?",
];

const FALLBACK_SUBJECT: Readonly<Record<Variant, string>> = { A: 'A quick idea for you', B: 'Worth comparing notes?' };

// Slots read the hash's bits at 1, 9 and 17 (see copyFrame.ts), so their choices are independent of each other.
function pick<T>(options: readonly T[], hash: number, shift: number): T {
  return options[((hash >>> shift) & 0xff) % options.length];
}

export function emailSubject(variant: Variant, r: Recipient, p: TalkingPoints): string {
  const subject = pick(variant === 'A' ? A_SUBJECTS : B_SUBJECTS, r.hash, 25)(r, p);
  return subject.length <= SUBJECT_LIMIT ? subject : FALLBACK_SUBJECT[variant];
}

export function emailBody(variant: Variant, r: Recipient, p: TalkingPoints, sender: string, optOut: string): string {
  const h = r.hash;
  if (variant === 'A') {
    return `Hi ${r.greetingName},\n\n${pick(A_OPENERS, h, 1)(r, p)} ${pick(A_VALUES, h, 9)(r, p)}\n\n${pick(A_CTAS, h, 17)}\n\nBest,\n${sender}\n\n${optOut}`;
  }
  return `Hi ${r.greetingName},\n\n${pick(B_OPENERS, h, 1)(r, p)}\n\n${pick(B_REFLECTIONS, h, 9)(r, p)} ${pick(B_CTAS, h, 17)}\n\nBest,\n${sender}\n\n${optOut}`;
}

export function compactEmailBody(variant: Variant, r: Recipient, p: TalkingPoints, sender: string, optOut: string): string {
  const middle =
    variant === 'A'
      ? `We help teams like yours with ${p.pain}. Open to a 15-minute call?`
      : `We keep seeing ${p.pain} around ${p.trigger}. Worth comparing notes on a short call?`;
  return `Hi ${r.greetingName},\n\n${middle}\n\nBest,\n${sender}\n\n${optOut}`;
}

/**
 * The most words any email body spends around its slots (see copyFrame.ts); sender and opt-out line are slots too.
 */
export const EMAIL_FRAME_WORDS: Readonly<Record<Variant, number>> = {
  A: maxFrameWords((r, p) => emailBody('A', r, p, FRAME_PROBE_WORD, FRAME_PROBE_WORD)),
  B: maxFrameWords((r, p) => emailBody('B', r, p, FRAME_PROBE_WORD, FRAME_PROBE_WORD)),
};
