/**
 * A campaign's schedule, simulated before the first send: day by day, who gets which step, at what time in their
 * own zone, from which mailbox, and what held the rest back — computed by the very code that sends. The store is
 * copied (`VACUUM INTO` a temporary file, so the real one is never touched), and on the copy the clock is moved tick
 * by tick while `sendReady` sends live into a transport that only writes down what it is handed, and
 * `scheduleFollowUps` queues the later steps — the same limits, windows and caps a real run meets. So the preview is
 * what then happens, as long as nothing else changes in between (a reply, another campaign's sends).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '../store/store';
import type { AnyStore } from '../store/openDb';
import { LeadflowError } from '../errors';
import { int, text } from '../store/rowMapper';
import { localDate } from '../sending/limits';
import { sendReady } from '../sending/sendReady';
import { scheduleFollowUps } from '../sending/sequence';
import type { SendingConfig } from '../sending/config';
import type { EmailTransport } from '../sending/drain';
import { personalizeEnriched } from '../personalize/stage';
import { getCampaign, type Campaign } from './campaigns';
import { configuredSender, type Sender } from '../sending/compose';
import { setCampaignStateRow } from '../store/campaigns';

export interface ScheduledSend {
  leadId: number;
  email: string;
  step: number;
  /** When it goes (ISO, UTC). */
  at: string;
  /** The same moment on the recipient's clock: "Mon 2026-12-07 09:00 Asia/Tokyo". */
  local: string;
  /** The mailbox it leaves from. */
  from: string;
}

export interface ScheduleDay {
  /** The day, by UTC date. */
  date: string;
  sends: ScheduledSend[];
  /** What held sends back that day (the limit's words), with how many ticks it held. */
  heldBy: Record<string, number>;
}

export interface CampaignSchedule {
  campaign: string;
  from: string;
  days: ScheduleDay[];
  /** Still queued when the simulation ended. */
  stillQueued: number;
}

export interface ScheduleOptions {
  days: number;
  /** Where the simulation starts (default: now). */
  start?: Date;
  /** How often the simulated sender ticks (default 15 minutes, as a scheduled n8n workflow or cron would). */
  tickMinutes?: number;
}

function onTheirClock(ms: number, zone: string): string {
  const safe = (() => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return zone;
    } catch {
      return 'UTC';
    }
  })();
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: safe, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', weekday: 'short' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]),
  );
  return `${String(p.weekday)} ${localDate(ms, safe)} ${String(p.hour)}:${String(p.minute)} ${safe}`;
}

/**
 * A live-shaped config for the simulation: the real one when live sending is set up (a campaign mailbox without an
 * SMTP account there then shows as held back, as it would be), else its limits with stand-ins for the sender and
 * every mailbox the campaign names.
 */
function simulationConfig(config: SendingConfig, campaign: Campaign): Extract<SendingConfig, { live: true }> {
  if (config.live) return config;
  const stand = (from: Sender) => ({ host: 'simulation.invalid', port: 25, from });
  const smtp = stand(config.sender);
  return {
    ...config,
    live: true,
    smtp,
    mailboxes: [smtp, ...(campaign.spec.mailboxes ?? []).map((m) => stand(configuredSender(m.address, m.name)))],
    compliance: config.compliance ?? { unsubscribeBaseUrl: 'https://unsubscribe.invalid/u', secret: randomBytes(16).toString('hex'), postalAddress: '(simulation)' },
    summary: 'simulation',
  };
}

/**
 * Simulate `days` of a campaign's sending on a copy of the store. The campaign's ENRICHED leads are written for it
 * first (on the copy), as an offline run would — by templates: a model-written variant takes its fallback template,
 * and a lead whose variant has none is left out, as it would be without a model. Synthetic leads are never mailed
 * live, so they never appear.
 */
export async function simulateSchedule(store: AnyStore, ref: string | number, config: SendingConfig, o: ScheduleOptions): Promise<CampaignSchedule> {
  const campaign = await getCampaign(store, ref);
  if (store.dialect === 'postgres') {
    throw new LeadflowError('refused', `the schedule simulation runs on a copy of a SQLite store for now; ${store.location} is PostgreSQL (nothing was simulated)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-schedule-'));
  const copyPath = join(dir, 'copy.db');
  try {
    store.exec(`VACUUM INTO '${copyPath.replace(/'/g, "''")}'`);
    const copy = openStore(copyPath);
    try {
      return await simulateOn(copy, campaign.name, simulationConfig(config, campaign), o);
    } finally {
      copy.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function simulateOn(copy: Store, campaign: string, config: Extract<SendingConfig, { live: true }>, o: ScheduleOptions): Promise<CampaignSchedule> {
  const c = await getCampaign(copy, campaign);
  // A simulation runs the campaign as if it were active (the point is to see it before activating it).
  await setCampaignStateRow(copy, c.id, 'active', new Date(o.start ?? Date.now()).toISOString());
  personalizeEnriched(copy, { channels: ['email'], campaign });
  const start = (o.start ?? new Date()).getTime();
  const tick = Math.max(1, o.tickMinutes ?? 15) * 60_000;
  const end = start + Math.max(1, Math.min(60, o.days)) * 86_400_000;
  // Takes every message and sends nothing: what went is read back from the copy's ledger below.
  const transport: EmailTransport = { deliver: () => Promise.resolve({ response: '250 simulated: nothing was sent' }) };
  const days = new Map<string, ScheduleDay>();
  const dayOf = (ms: number) => {
    const date = new Date(ms).toISOString().slice(0, 10);
    let d = days.get(date);
    if (!d) days.set(date, (d = { date, sends: [], heldBy: {} }));
    return d;
  };
  let stillQueued = 0;
  for (let clock = start; clock < end; clock += tick) {
    const now = new Date(clock);
    const r = await sendReady(copy, { channels: ['email'], campaign }, config, { transport, now: () => now, sleep: () => Promise.resolve() });
    await scheduleFollowUps(copy, { delaysBusinessDays: [], dryRun: false, now, campaignId: c.id });
    if (r.limitedBy) dayOf(clock).heldBy[r.limitedBy] = (dayOf(clock).heldBy[r.limitedBy] ?? 0) + 1;
    stillQueued = r.stillQueued ?? 0;
  }
  // What went, read back from the copy's ledger: each live row the simulated sender settled SENT.
  const rows = copy
    .rows(
      `SELECT s.lead_id, l.email, s.step, s.sent_at, l.timezone, s.envelope_from FROM sends s JOIN leads l ON l.id = s.lead_id
       WHERE s.dry_run = 0 AND s.state = 'SENT' AND s.sent_at >= ? AND l.campaign_id = ? ORDER BY s.sent_at, s.id`,
    )
    .all(new Date(start).toISOString(), c.id);
  for (const r of rows) {
    const at = text(r[3], 'sends.sent_at');
    dayOf(Date.parse(at)).sends.push({
      leadId: int(r[0], 'sends.lead_id'),
      email: text(r[1], 'leads.email'),
      step: int(r[2], 'sends.step'),
      at,
      local: onTheirClock(Date.parse(at), text(r[4], 'leads.timezone')),
      from: text(r[5], 'sends.envelope_from'),
    });
  }
  return {
    campaign,
    from: new Date(start).toISOString(),
    days: [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
    stillQueued,
  };
}
