/**
 * What the copy contract adds for model-written copy: no claim about the lead's company that the lead or its
 * enrichment does not support, and no echo of our instructions. A claim here is a number or a name: a digit run
 * that the data does not contain (a "15-minute call" is an offer, not a claim), or a capitalized word mid-sentence
 * that is neither in the data nor ordinary vocabulary of an email. Deliberately strict: a false alarm costs a
 * regeneration or a template, a false claim costs the sender's credibility.
 */

const ORDINARY_NAMES = new Set(
  (
    'i im id ive ill hi hello hey dear best thanks regards ' +
    'monday tuesday wednesday thursday friday saturday sunday ' +
    'january february march april may june july august september october november december ' +
    'linkedin email ai crm erp saas api it ops hr q1 q2 q3 q4 ok ceo cto cfo coo cio cmo vp'
  ).split(' '),
);
const NUMBER = /\d[\d,.]*/g;
const WORD = /[\p{L}][\p{L}\p{N}'’&-]*/gu;
const TIME_OFFER = /^\s?-?\s?(?:minutes?|mins?|min)\b/i;
const INSTRUCTION_RUN = 6;

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/['’]s$/, '').replace(/['’]/g, ''));
}

export interface ClaimFacts {
  /** Every string the copy may draw on: lead fields, enrichment, sender, opt-out line. */
  texts: readonly string[];
}

export function unsupportedClaims(copy: string, facts: ClaimFacts): string[] {
  const known = new Set<string>();
  const numbers = new Set<string>();
  for (const t of facts.texts) {
    for (const w of wordsOf(t)) known.add(w);
    for (const n of t.match(NUMBER) ?? []) numbers.add(n.replace(/[.,]+$/, ''));
  }
  const problems: string[] = [];
  for (const m of copy.matchAll(NUMBER)) {
    const n = m[0].replace(/[.,]+$/, '');
    if (numbers.has(n) || TIME_OFFER.test(copy.slice(m.index + m[0].length))) continue;
    problems.push(`the number "${n}" is not in the lead or its research: remove it`);
  }
  for (const m of copy.matchAll(WORD)) {
    const word = m[0];
    if (word[0] === word[0].toLowerCase()) continue;
    const before = copy.slice(0, m.index).replace(/[ \t"'“(]+$/, '');
    const sentenceStart = before === '' || /[.!?:\n]$/.test(before);
    if (sentenceStart) continue;
    const key = wordsOf(word)[0] ?? '';
    if (known.has(key) || ORDINARY_NAMES.has(key)) continue;
    problems.push(`the name "${word}" is not in the lead or its research: mention only the recipient, their company and the listed facts`);
  }
  return [...new Set(problems)];
}

/** Whether the copy repeats a run of our instructions (a sign that injected text steered the model). */
export function echoesInstructions(copy: string, instructions: string): boolean {
  const mine = wordsOf(instructions);
  const runs = new Set<string>();
  for (let i = 0; i + INSTRUCTION_RUN <= mine.length; i++) runs.add(mine.slice(i, i + INSTRUCTION_RUN).join(' '));
  const theirs = wordsOf(copy);
  for (let i = 0; i + INSTRUCTION_RUN <= theirs.length; i++) if (runs.has(theirs.slice(i, i + INSTRUCTION_RUN).join(' '))) return true;
  return false;
}
