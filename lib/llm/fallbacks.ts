/**
 * A lead that AI mode could not serve is recorded, not hidden: one `llm_fallback` event per lead and stage with the
 * reason, visible in the lead's detail and countable for metrics.
 */
import type { Db } from '../store/db';
import { jsonOf } from '../store/rowMapper';

export interface LlmFallback {
  stage: 'enrich' | 'personalize';
  reason: string;
  /** What served the lead instead: rules-v1, templates-v1. */
  usedInstead: string;
  channels?: string[];
}

export async function recordFallback(db: Db, leadId: number, f: LlmFallback, now: string): Promise<void> {
  await db.run("INSERT INTO events (lead_id, type, detail, created_at) VALUES (?, 'llm_fallback', ?, ?)", [leadId, JSON.stringify(f), now]);
}

/** An llm_fallback event's detail: JSON, as recordFallback wrote it. */
const fallbackDetail = jsonOf<LlmFallback>();

export async function fallbacksFor(db: Db, leadId: number): Promise<LlmFallback[]> {
  const rows = await db.all("SELECT detail FROM events WHERE lead_id = ? AND type = 'llm_fallback' ORDER BY id", [leadId]);
  return rows.map((r) => fallbackDetail(r[0], 'events.detail'));
}
