/**
 * Template personalization: for each requested channel, step-1 drafts in both A/B voices for one lead, filled from
 * the lead and its enrichment. The wording varies by a hash of the email, so a million leads do not get a million
 * identical messages. Pure and fast: plain template literals, and a message's words are bounded from its parts
 * (copyFrame.ts), counted only when the bound comes near the budget. Drafts are written to pass the copy contract;
 * the caller still checks them, because lead fields and options can be anything.
 */
import type { Channel, MessageDraft, Variant } from '../types';
import { WORD_BUDGET } from './copyLimits';
import { countWords } from './wordCount';
import { wordsBeyondOne } from './copyFrame';
import { compactEmailBody, EMAIL_FRAME_WORDS, emailBody, emailSubject } from './emailCopy';
import { compactLinkedinMessage, LINKEDIN_FRAME_WORDS, linkedinMessage } from './linkedinCopy';
import { singleLine } from './cleanField';
import { recipientOf, type Recipient, type RecipientInput } from './recipient';
import { talkingPointsOf, type TalkingPoints, type TalkingPointsInput } from './talkingPoints';

export const DEFAULT_OPT_OUT_LINE = `If this isn't relevant, reply "unsubscribe" and I won't write again.`;
export const DEFAULT_SENDER_NAME = 'Alex from Leadflow';
/** Recorded with each stored message, so a later change of wording can be told apart. */
export const TEMPLATE_SOURCE = 'templates-v1';

export interface DraftOptions {
  channels: readonly Channel[];
  /** Signs emails; defaults to DEFAULT_SENDER_NAME. */
  senderName?: string;
  /** Closes every email; defaults to DEFAULT_OPT_OUT_LINE. */
  optOutLine?: string;
}

const STEP = 1;
const BOTH_VARIANTS: readonly Variant[] = ['A', 'B'];

/** What this lead's slots add beyond one word each: zero for short names, titles and pains. */
function slotWordsBeyondOne(r: Recipient, p: TalkingPoints): number {
  return (
    wordsBeyondOne(r.greetingName) +
    wordsBeyondOne(r.company) +
    wordsBeyondOne(r.title) +
    Math.max(wordsBeyondOne(r.sector), wordsBeyondOne(r.peers)) +
    wordsBeyondOne(p.pain) +
    wordsBeyondOne(p.trigger)
  );
}

function emailDraft(
  variant: Variant,
  r: Recipient,
  p: TalkingPoints,
  sender: string,
  optOut: string,
  extraWords: number,
): MessageDraft {
  let body = emailBody(variant, r, p, sender, optOut);
  const budget = WORD_BUDGET.email;
  if (EMAIL_FRAME_WORDS[variant] + extraWords > budget && countWords(body) > budget) {
    body = compactEmailBody(variant, r, p, sender, optOut);
  }
  return { channel: 'email', variant, step: STEP, subject: emailSubject(variant, r, p), body };
}

function linkedinDraft(variant: Variant, r: Recipient, p: TalkingPoints, extraWords: number): MessageDraft {
  let body = linkedinMessage(variant, r, p);
  const budget = WORD_BUDGET.linkedin;
  if (LINKEDIN_FRAME_WORDS[variant] + extraWords > budget && countWords(body) > budget) {
    body = compactLinkedinMessage(variant, r, p);
  }
  return { channel: 'linkedin', variant, step: STEP, subject: null, body };
}

export function draftMessages(lead: RecipientInput, enrichment: TalkingPointsInput, opts: DraftOptions): MessageDraft[] {
  const recipient = recipientOf(lead);
  const points = talkingPointsOf(enrichment, recipient.hash);
  // Options are the user's own words: kept as written (on one line), so a broken custom opt-out line is reported
  // by the copy contract rather than silently swapped for the default.
  const sender = singleLine(opts.senderName) || DEFAULT_SENDER_NAME;
  const optOut = singleLine(opts.optOutLine) || DEFAULT_OPT_OUT_LINE;
  const slotWords = slotWordsBeyondOne(recipient, points);
  const drafts: MessageDraft[] = [];
  let emailDone = false;
  let linkedinDone = false;
  // A channel listed twice still yields one pair: the send ledger allows one row per (lead, channel, step).
  for (const channel of opts.channels) {
    if (channel === 'email' && !emailDone) {
      emailDone = true;
      for (const variant of BOTH_VARIANTS) {
        drafts.push(emailDraft(variant, recipient, points, sender, optOut, slotWords + wordsBeyondOne(sender) + wordsBeyondOne(optOut)));
      }
    } else if (channel === 'linkedin' && !linkedinDone) {
      linkedinDone = true;
      for (const variant of BOTH_VARIANTS) drafts.push(linkedinDraft(variant, recipient, points, slotWords));
    }
  }
  return drafts;
}
