/**
 * The send stage: MESSAGED → SENT. For each batch of messaged leads, queue the assigned variant's message on each
 * channel in the ledger, then drain those rows through `sendQueued` — the same path every adapter sends through.
 */
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { leadsInStatus } from '../store/leads';
import { insertRows, type MultiRowInsert } from '../store/multiRow';
import type { SqlValue } from '../store/store';

/** The ledger's enqueue (ledger.ts), for a whole batch: step 1, QUEUED, and the UNIQUE key absorbs repeats. */
const QUEUE_ROWS: MultiRowInsert = {
  head: 'INSERT INTO sends (lead_id, channel, step, dry_run, message_id, state, created_at, updated_at)',
  row: "(?, ?, 1, ?, ?, 'QUEUED', ?, ?)",
  tail: 'ON CONFLICT DO NOTHING',
  width: 6,
};
import { sendQueued, type SendTally, type EmailTransport } from './send';
import type { Sender } from './outgoing';
import { batchRoom, type StageControl } from '../pipeline/control';

export interface SendStageTally extends SendTally {
  leads: number;
  queued: number;
}

export interface SendStageOptions {
  channels: Channel[];
  dryRun?: boolean;
  sender?: Sender;
  transport?: EmailTransport;
  worker?: string;
}

export async function sendMessaged(
  store: Store,
  o: SendStageOptions,
  c: StageControl<SendStageTally> = {},
): Promise<SendStageTally> {
  const dryRun = o.dryRun ?? true;
  const tally: SendStageTally = { leads: 0, queued: 0, claimed: 0, sent: 0, failed: 0, skipped: 0, requeued: 0, unknown: 0 };
  let afterId = 0;
  for (;;) {
    const room = batchRoom(c, tally.leads);
    if (room <= 0 || c.shouldStop?.()) break;
    const batch = leadsInStatus(store, 'MESSAGED', afterId, room);
    if (batch.length === 0) break;
    const now = new Date().toISOString();
    const first = batch[0].id;
    const last = batch[batch.length - 1].id;
    store.tx(() => {
      const ids = new Map<string, number>();
      for (const m of store
        .stmt("SELECT id, lead_id, channel, variant FROM messages WHERE lead_id BETWEEN ? AND ? AND step = 1")
        .all(first, last)) {
        ids.set(`${m.lead_id}|${m.channel}|${m.variant}`, m.id as number);
      }
      const rows: SqlValue[] = [];
      for (const lead of batch) {
        for (const channel of o.channels) {
          const messageId = ids.get(`${lead.id}|${channel}|${lead.variant}`);
          if (messageId !== undefined) rows.push(lead.id, channel, dryRun ? 1 : 0, messageId, now, now);
        }
      }
      const before = store.stmt('SELECT total_changes() AS n').get()!.n as number;
      insertRows(store, QUEUE_ROWS, rows);
      tally.queued += (store.stmt('SELECT total_changes() AS n').get()!.n as number) - before;
      tally.leads += batch.length;
    });
    const drained = await sendQueued(store, {
      dryRun,
      channels: o.channels,
      sender: o.sender,
      transport: o.transport,
      worker: o.worker,
      // Drained in slices of at most 1,000 rows: the batch's objects stay small enough for a 1M-lead run's memory.
      batchSize: Math.max(1, Math.min(1000, batch.length * o.channels.length)),
    });
    for (const k of ['claimed', 'sent', 'failed', 'skipped', 'requeued', 'unknown'] as const) tally[k] += drained[k];
    if (c.inBatch) store.tx(() => c.inBatch!(tally));
    afterId = last;
    c.onBatch?.(tally);
  }
  return tally;
}
