/**
 * The one pain point and one buying trigger a message talks about, taken from an enrichment of any source (rules
 * or a model) and shaped to sit mid-sentence: no trailing period, a lowercase first letter unless it starts an
 * acronym ("ERP migration" keeps its capitals). An enrichment with nothing usable gets a neutral fallback.
 */
import type { EnrichmentFields } from '../types';
import { cleanField } from './cleanField';

export interface TalkingPoints {
  pain: string;
  trigger: string;
}

export type TalkingPointsInput = Pick<EnrichmentFields, 'painPoints' | 'buyingTriggers'>;

const FALLBACK_PAIN = 'manual work that piles up between systems';
const FALLBACK_TRIGGER = 'planning for the next quarter';

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}
function isLower(code: number): boolean {
  return code >= 97 && code <= 122;
}

function asPhrase(value: string | undefined): string {
  let text = cleanField(value);
  while (text.length > 0 && '.!;:,'.includes(text[text.length - 1])) text = text.slice(0, -1).trimEnd();
  if (text.length > 1 && isUpper(text.charCodeAt(0)) && isLower(text.charCodeAt(1))) {
    text = text[0].toLowerCase() + text.slice(1);
  }
  return text;
}

/** Picks among the first two of each list by `hash`, so the lead's most specific points are the ones used. */
export function talkingPointsOf(enrichment: TalkingPointsInput, hash: number): TalkingPoints {
  const pains = enrichment.painPoints ?? [];
  const triggers = enrichment.buyingTriggers ?? [];
  const pain = pains.length > 0 ? asPhrase(pains[(hash >>> 3) % Math.min(2, pains.length)]) : '';
  const trigger = triggers.length > 0 ? asPhrase(triggers[(hash >>> 5) % Math.min(2, triggers.length)]) : '';
  return { pain: pain || FALLBACK_PAIN, trigger: trigger || FALLBACK_TRIGGER };
}
