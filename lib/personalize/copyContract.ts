/**
 * The copy contract: what every message must satisfy before it may be stored or sent, whoever wrote it
 * (templates or a model). A draft is acceptable when checkCopy returns no violations. Each violation's detail names
 * the number or the text at fault, so a rejected draft says what to fix. Built for a million drafts: indexOf fast
 * paths first, regexes compiled once, and only on text that might fail.
 */
import type { CopyViolation, MessageDraft } from '../types';
import { SUBJECT_LIMIT, WORD_BUDGET } from './copyLimits';
import { countWords } from './wordCount';

export { SUBJECT_LIMIT, WORD_BUDGET } from './copyLimits';
export { countWords } from './wordCount';

// A call to action is a question that proposes a next step...
const CTA_WORDS = /\b(?:calls?|chat|talk|reply|worth|open to|interested|times?|minutes?|meetings?|conversations?)\b/i;
// ...or an explicit instruction to reply or book.
const CTA_EXPLICIT = /\b(?:reply|book)\b/i;
const SENTENCE = /[^.!?\n]+[.!?]?/g;
// The opt-out line says "reply", so it must never count as the call to action.
const OPT_OUT = /unsubscribe|opt[\s-]?out|won['’]t (?:write|email|contact you|reach out)(?: to you)? again/i;
// {{…}}, {…}, […] with letters inside, %s: what an unfilled template leaves behind.
const BRACKET_LEFTOVER = /\{\{[^}]*\}\}|\{[^{}\n]*\}|\[[^\]\n]*[A-Za-z][^\]\n]*\]|%s/g;
// What JavaScript prints for a missing value; whole words only, and case-sensitive so "Nan" stays a name.
const WORD_LEFTOVER = /\b(?:undefined|null|NaN)\b/g;
const LINE_BREAK = /[\r\n]/;
const MAX_LEFTOVERS_NAMED = 3;

function isLetter(code: number): boolean {
  const lower = code | 32;
  return lower >= 97 && lower <= 122;
}

/**
 * Whether the character at i ends a sentence. A period counts only before whitespace (so "cal.com/x?" and "3.5"
 * do not split) and not after an abbreviation: one letter ("e.g.", "U.S.") or a short capitalized word ("St.",
 * "Inc.", "Dr."), because a company like "St. Mary Inc." must not cut a question in two.
 */
function endsSentenceAt(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code === 63 || code === 33 || code === 10) return true; // ? ! \n
  if (code !== 46) return false; // .
  const next = text.charCodeAt(i + 1);
  if (i + 1 < text.length && next !== 32 && next !== 10 && next !== 9) return false;
  let wordStart = i;
  while (wordStart > 0 && isLetter(text.charCodeAt(wordStart - 1))) wordStart--;
  const wordLength = i - wordStart;
  if (wordLength === 1) return false;
  const capitalized = wordLength > 0 && text.charCodeAt(wordStart) <= 90;
  return !(capitalized && wordLength <= 3);
}

function hasQuestionCta(body: string): boolean {
  for (let q = body.indexOf('?'); q !== -1; q = body.indexOf('?', q + 1)) {
    let start = q - 1;
    while (start >= 0 && !endsSentenceAt(body, start)) start--;
    const sentence = body.slice(start + 1, q);
    if (CTA_WORDS.test(sentence) && !OPT_OUT.test(sentence)) return true;
  }
  return false;
}

function hasExplicitCta(body: string): boolean {
  for (const sentence of body.match(SENTENCE) ?? []) {
    if (CTA_EXPLICIT.test(sentence) && !OPT_OUT.test(sentence)) return true;
  }
  return false;
}

function leftoversIn(text: string, found: string[]): void {
  if (text.includes('{') || text.includes('[') || text.includes('%s')) {
    for (const match of text.match(BRACKET_LEFTOVER) ?? []) found.push(match);
  }
  if (text.includes('undefined') || text.includes('null') || text.includes('NaN')) {
    for (const match of text.match(WORD_LEFTOVER) ?? []) found.push(match);
  }
}

function quoted(texts: string[]): string {
  const named = texts.slice(0, MAX_LEFTOVERS_NAMED).map((t) => JSON.stringify(t));
  const more = texts.length > MAX_LEFTOVERS_NAMED ? ` and ${texts.length - MAX_LEFTOVERS_NAMED} more` : '';
  return named.join(', ') + more;
}

function subjectViolations(draft: MessageDraft, violations: CopyViolation[]): void {
  const subject = draft.subject;
  if (draft.channel !== 'email') {
    if (subject !== null) violations.push({ rule: 'subject', detail: `a ${draft.channel} message has no subject, got ${JSON.stringify(subject)}` });
    return;
  }
  if (subject === null || subject.trim() === '') {
    violations.push({ rule: 'subject', detail: 'email subject is empty' });
    return;
  }
  if (subject.length > SUBJECT_LIMIT) {
    violations.push({ rule: 'subject', detail: `subject is ${subject.length} characters, limit ${SUBJECT_LIMIT}` });
  }
  if (LINE_BREAK.test(subject)) {
    violations.push({ rule: 'subject', detail: `subject contains a line break (CR/LF): ${JSON.stringify(subject)}` });
  }
}

export function checkCopy(draft: MessageDraft): CopyViolation[] {
  return checkCopyCounted(draft).violations;
}

/** `checkCopy`, also giving the body's word count (which a stored message records), so it is counted once. */
export function checkCopyCounted(draft: MessageDraft): { violations: CopyViolation[]; words: number } {
  const violations: CopyViolation[] = [];
  const body = draft.body ?? '';
  subjectViolations(draft, violations);

  if (body.trim() === '') {
    violations.push({ rule: 'empty', detail: `${draft.channel} body is empty` });
    return { violations, words: 0 };
  }

  const budget = WORD_BUDGET[draft.channel];
  const words = countWords(body);
  if (words > budget) violations.push({ rule: 'word_budget', detail: `${words} words, budget ${budget}` });

  if (!hasQuestionCta(body) && !hasExplicitCta(body)) {
    violations.push({
      rule: 'call_to_action',
      detail: 'no call to action: ask a question proposing a call or reply, e.g. "Open to a 15-minute call next week?"',
    });
  }

  const leftovers: string[] = [];
  leftoversIn(body, leftovers);
  if (draft.subject) leftoversIn(draft.subject, leftovers);
  if (leftovers.length > 0) violations.push({ rule: 'placeholder', detail: `unfilled placeholder ${quoted(leftovers)}` });

  // A bare CR is how CRLF or old-Mac text slips in; SMTP wants the composer, not the copy, to decide line endings.
  // The contract has no rule of its own for it, and a stray control character is leftover junk like a placeholder.
  const cr = body.indexOf('\r');
  if (cr !== -1) violations.push({ rule: 'placeholder', detail: `carriage return (\\r) in body at character ${cr}; use \\n line breaks` });

  if (draft.channel === 'email' && !body.includes('unsubscribe') && !OPT_OUT.test(body)) {
    violations.push({ rule: 'opt_out', detail: 'no opt-out line: mention "unsubscribe", "opt out" or "won\'t write again"' });
  }
  return { violations, words };
}
