/** Threading: a later step of a sequence answers the earlier ones, so mail clients show one conversation. */
import type { Store } from '../store/store';
import { text } from '../store/rowMapper';

/** In-Reply-To and References for a later step: the previous steps' Message-IDs in this thread, oldest first. */
export function threadHeaders(store: Store, leadId: number, step: number, dryRun: boolean): Record<string, string> {
  if (step <= 1) return {};
  const ids = store
    .rows(
      `SELECT rfc_message_id FROM sends WHERE lead_id = ? AND channel = 'email' AND dry_run = ? AND step < ?
         AND rfc_message_id IS NOT NULL ORDER BY step`,
    )
    .all(leadId, dryRun ? 1 : 0, step)
    .map((r) => text(r[0], 'sends.rfc_message_id'));
  if (ids.length === 0) return {};
  return { 'In-Reply-To': ids[ids.length - 1], References: ids.join(' ') };
}
