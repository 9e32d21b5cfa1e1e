/**
 * `sendReady`: the whole "send what is ready" job that the CLI's `send` and `run --live` share — queue every lead
 * that is ready (and, with a sequence, the follow-ups that are due), then drain the ledger through the one sending
 * path, within the limits. Live only with a ready live configuration (liveConfig.ts); a dry run otherwise.
 */
import type { Channel } from '../types';
import type { Store } from '../store/store';
import { queueEligible } from './queueDue';
import { scheduleFollowUps } from './sequence';
import { sendQueued, type SendTally } from './send';
import { createSmtpTransport } from './smtp';
import type { LiveConfig } from './liveConfig';
import type { VerificationPolicy } from '../leads/verify';

export interface SendReadyOptions {
  /** A ready live configuration sends real email; null records a dry run. */
  live: Extract<LiveConfig, { ready: true }> | null;
  channels: Channel[];
  limit?: number;
  /** 0: tick (what the limits allow now); more: keep going up to this long. */
  maxWaitMs?: number;
  /** Follow-up delays in business days (email), e.g. [3, 5]. */
  sequence?: number[];
  verificationPolicy?: VerificationPolicy;
}

export interface SendReadyResult extends SendTally {
  live: boolean;
  queued: number;
  followUps: number;
}

export async function sendReady(store: Store, o: SendReadyOptions): Promise<SendReadyResult> {
  const live = o.live;
  const transport = live ? createSmtpTransport(live.settings) : undefined;
  try {
    const queued = queueEligible(store, { channels: o.channels, dryRun: !live, limit: o.limit });
    const followUps = o.sequence ? (await scheduleFollowUps(store, { delaysBusinessDays: o.sequence, dryRun: !live })).scheduled.length : 0;
    const tally = await sendQueued(store, {
      dryRun: !live,
      channels: o.channels,
      limit: o.limit,
      transport,
      sender: live?.settings.from,
      compliance: live?.compliance,
      limits: live?.limits,
      maxRetries: live?.maxRetries,
      maxWaitMs: o.maxWaitMs ?? 0,
      verificationPolicy: o.verificationPolicy,
    });
    return { live: !!live, queued, followUps, ...tally };
  } finally {
    transport?.close();
  }
}
