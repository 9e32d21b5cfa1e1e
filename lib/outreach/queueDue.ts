/**
 * `queueEligible`: put every lead that is ready for its step-1 send on a channel into the ledger, in one mode. Dry
 * run: MESSAGED leads. Live: MESSAGED leads and those whose only send so far was a dry run — minus synthetic and
 * suppressed ones (see liveSend.ts's plan). Idempotent: the ledger's key absorbs repeats.
 */
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { enqueue } from './ledger';
import { planLiveSend } from './liveSend';

export function queueEligible(store: Store, o: { channels: Channel[]; dryRun: boolean; limit?: number }): number {
  const now = new Date().toISOString();
  let queued = 0;
  return store.tx(() => {
    for (const channel of o.channels) {
      if (!o.dryRun) {
        const plan = planLiveSend(store, { channel, limit: o.limit ?? Number.MAX_SAFE_INTEGER });
        for (const item of plan.items) {
          if (!item.alreadyQueued && enqueue(store, { leadId: item.leadId, channel, step: 1, dryRun: false }, item.messageId, now)) queued++;
        }
        continue;
      }
      const rows = store
        .stmt(
          `SELECT l.id, m.id AS message_id FROM leads l
           JOIN messages m ON m.lead_id = l.id AND m.channel = ? AND m.step = 1 AND m.variant = l.variant
           WHERE l.status = 'MESSAGED'
             AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.lead_id = l.id AND s.channel = ? AND s.step = 1 AND s.dry_run = 1)
           ORDER BY l.id LIMIT ?`,
        )
        .all(channel, channel, o.limit ?? -1);
      for (const r of rows) if (enqueue(store, { leadId: r.id as number, channel, step: 1, dryRun: true }, r.message_id as number, now)) queued++;
    }
    return queued;
  });
}
