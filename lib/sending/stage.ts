/**
 * The send stage of a dry run: MESSAGED leads get their dry-run record (and stay MESSAGED: nothing reached anyone,
 * and a live send may follow). Each batch of messaged leads not yet dry-run is read with the assigned variant's
 * step-1 message on each channel and recorded in the ledger (`recordDrySends`: the gate, the record, the settled row)
 * in one transaction. Live sending has its own job, `sendReady`: limits, compliance and a transport, one row at a time.
 */
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { int } from '../store/rowMapper';
import { NO_DRY_RUN_RECORD } from '../store/leads';
import { addTally, sendQueued, recordDrySends, sendingAt, SENDING_COLUMNS, type SendTally, type DrySend } from './drain';
import type { Sender } from './compose';
import { batchRoom, type StageControl } from '../pipeline/control';

export interface SendStageTally extends SendTally {
  leads: number;
  /** Rows this stage wrote to the ledger (a (lead, channel) already there is not written again). */
  queued: number;
}

export interface SendStageOptions {
  channels: Channel[];
  sender?: Sender;
  /** Claim holder id for rows an adapter queued earlier (drained after the batches); defaults to this process. */
  worker?: string;
}

export async function sendMessaged(
  store: Store,
  o: SendStageOptions,
  c: StageControl<SendStageTally> = {},
): Promise<SendStageTally> {
  const tally: SendStageTally = { leads: 0, queued: 0, claimed: 0, sent: 0, simulated: 0, failed: 0, skipped: 0, requeued: 0, unknown: 0 };
  let afterId = 0;
  for (;;) {
    const room = batchRoom(c, tally.leads);
    if (room <= 0 || c.shouldStop?.()) break;
    const batch = messagedWithSends(store, afterId, room, o.channels);
    if (batch.leads === 0) break;
    const now = new Date();
    store.tx(() => {
      const t = recordDrySends(store, batch.sends, { sender: o.sender, now });
      addTally(tally, t);
      tally.queued += t.claimed;
      tally.leads += batch.leads;
      c.inBatch?.(tally);
    });
    afterId = batch.lastId;
    c.onBatch?.(tally);
  }
  // Rows an adapter queued earlier (an n8n item, an MCP call) go through the queue they are in; the stage's own
  // records above left their (lead, channel, step) alone.
  const drained = await sendQueued(store, { dryRun: true, channels: o.channels, sender: o.sender, worker: o.worker, batchSize: 1000, shouldStop: c.shouldStop });
  if (drained.claimed > 0) {
    addTally(tally, drained);
    store.tx(() => c.inBatch?.(tally));
    c.onBatch?.(tally);
  }
  return tally;
}

/** MESSAGED leads of active campaigns with no dry-run record yet: what the stage has left to do. */
const AWAITING = `status = 'MESSAGED' AND campaign_id IN (SELECT id FROM campaigns WHERE state = 'active') AND ${NO_DRY_RUN_RECORD}`;

export function countAwaitingDryRun(store: Store): number {
  return int(store.rows(`SELECT count(*) FROM leads WHERE ${AWAITING}`).get()![0], 'count(leads)');
}

/**
 * Up to `limit` MESSAGED leads of active campaigns after `afterId` with no dry-run record yet, each with its assigned variant's step-1 message on the requested
 * channels: one query for the batch. `leads` counts them all (one may have no message on these channels).
 */
function messagedWithSends(store: Store, afterId: number, limit: number, channels: Channel[]): { leads: number; lastId: number; sends: DrySend[] } {
  const rows = store
    .rows(
      `SELECT l.id, m.id, ${SENDING_COLUMNS}
       FROM (SELECT id FROM leads WHERE id > ? AND ${AWAITING} ORDER BY id LIMIT ?) b
       JOIN leads l ON l.id = b.id
       LEFT JOIN messages m ON m.lead_id = l.id AND m.step = 1 AND m.variant = l.variant
       ORDER BY l.id`,
    )
    .all(afterId, limit);
  const sends: DrySend[] = [];
  let leads = 0;
  let lastId = afterId;
  for (const r of rows) {
    const leadId = int(r[0], 'leads.id');
    if (leadId !== lastId) {
      leads++;
      lastId = leadId;
    }
    // No message on any channel (the LEFT JOIN's NULLs), or not on a requested one.
    if (r[1] === null) continue;
    const send = sendingAt(r, 2);
    if (channels.includes(send.message.channel)) sends.push(send);
  }
  return { leads, lastId, sends };
}
