/**
 * How many words a copy phrasing spends around its slots (greeting name, company, title, sector or peers, pain,
 * trigger, and in email the sender and opt-out line), measured once at module load by rendering every phrasing
 * combination with one-word probes. Every slot appears at most once per message, so
 * "frame words + each slot's words beyond one" bounds a real message's length without scanning it: drafting then
 * counts words only for the rare lead whose long fields might break the budget.
 */
import type { Recipient } from './recipient';
import type { TalkingPoints } from './talkingPoints';
import { countWords } from './wordCount';

export const FRAME_PROBE_WORD = 'x';

/** Phrasings pick each slot from 8 bits of the hash at these offsets; three options per slot at most. */
const SLOT_SHIFTS = [1, 9, 17] as const;
const MAX_OPTIONS_PER_SLOT = 3;

function everyCombination(): number[] {
  const hashes: number[] = [];
  for (let i = 0; i < MAX_OPTIONS_PER_SLOT; i++)
    for (let j = 0; j < MAX_OPTIONS_PER_SLOT; j++)
      for (let k = 0; k < MAX_OPTIONS_PER_SLOT; k++)
        hashes.push((i << SLOT_SHIFTS[0]) | (j << SLOT_SHIFTS[1]) | (k << SLOT_SHIFTS[2]));
  return hashes;
}

/** One-word slots, with title and company known, and again without (the fallbacks have words of their own). */
function probesFor(hash: number): Recipient[] {
  const w = FRAME_PROBE_WORD;
  const known: Recipient = { firstName: w, greetingName: w, companyKnown: true, company: w, atCompany: ` at ${w}`, title: w, sector: w, peers: w, hash };
  return [known, { ...known, companyKnown: false, atCompany: '', title: '' }];
}

export function maxFrameWords(render: (r: Recipient, p: TalkingPoints) => string): number {
  const points: TalkingPoints = { pain: FRAME_PROBE_WORD, trigger: FRAME_PROBE_WORD };
  let most = 0;
  for (const hash of everyCombination()) for (const r of probesFor(hash)) most = Math.max(most, countWords(render(r, points)));
  return most;
}

/** A slot's words beyond the one its probe stood for. */
export function wordsBeyondOne(text: string): number {
  return Math.max(0, countWords(text) - 1);
}
