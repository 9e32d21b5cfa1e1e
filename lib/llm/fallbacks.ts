/**
 * A lead that AI mode could not serve is recorded, not hidden: one `llm_fallback` event per lead and stage with the
 * reason, visible in the lead's detail and countable for metrics.
 */
import type { Store } from '../store/store';
import { jsonOf } from '../store/rowMapper';

export interface LlmFallback {
  stage: 'enrich' | 'personalize';
  reason: string;
  /** What served the lead instead: rules-v1, templates-v1. */
  usedInstead: string;
  channels?: string[];
}

export function recordFallback(store: Store, leadId: number, f: LlmFallback, now: string): void {
  store.stmt("INSERT INTO events (lead_id, type, detail, created_at) VALUES (?, 'llm_fallback', ?, ?)").run(leadId, JSON.stringify(f), now);
}

/** An llm_fallback event's detail: JSON, as recordFallback wrote it. */
const fallbackDetail = jsonOf<LlmFallback>();

export function fallbacksFor(store: Store, leadId: number): LlmFallback[] {
  return store
    .rows("SELECT detail FROM events WHERE lead_id = ? AND type = 'llm_fallback' ORDER BY id")
    .all(leadId)
    .map((r) => fallbackDetail(r[0], 'events.detail'));
}
