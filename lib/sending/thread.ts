/** Threading: a later step of a sequence answers the earlier ones, so mail clients show one conversation. */
import type { Store } from '../store/store';
import type { Db } from '../store/db';
import type { SqlValue } from '../store/driver';
import { text } from '../store/rowMapper';

const EARLIER_IDS = `SELECT rfc_message_id FROM sends WHERE lead_id = ? AND channel = 'email' AND dry_run = ? AND step < ?
  AND rfc_message_id IS NOT NULL ORDER BY step`;

function headersOf(rows: SqlValue[][]): Record<string, string> {
  const ids = rows.map((r) => text(r[0], 'sends.rfc_message_id'));
  if (ids.length === 0) return {};
  return { 'In-Reply-To': ids[ids.length - 1], References: ids.join(' ') };
}

/** In-Reply-To and References for a later step: the previous steps' Message-IDs in this thread, oldest first. */
export function threadHeaders(store: Store, leadId: number, step: number, dryRun: boolean): Record<string, string> {
  return step <= 1 ? {} : headersOf(store.rows(EARLIER_IDS).all(leadId, dryRun ? 1 : 0, step));
}

/** `threadHeaders` on either database. */
export async function threadHeadersOn(db: Db, leadId: number, step: number, dryRun: boolean): Promise<Record<string, string>> {
  return step <= 1 ? {} : headersOf(await db.all(EARLIER_IDS, [leadId, dryRun ? 1 : 0, step]));
}
