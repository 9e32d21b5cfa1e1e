/**
 * Sending limits that hold across processes and hosts: a rate (sends per rolling 60 s), a daily cap per sender
 * mailbox, a send window (weekdays and hours in a timezone), and pauses. The budget is read and spent inside the
 * claim's transaction, under the mailbox's lock (`budget`: SQLite's write lock, an advisory lock on PostgreSQL), so two
 * workers can never both spend the last slot: measured over any 60 s window, the number of attempts never exceeds
 * the rate.
 */
import { z } from 'zod';
import type { Db } from '../store/db';
import { int, intOrNull, rowMapper, text } from '../store/rowMapper';

export interface SendWindow {
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** Local hour the window opens (inclusive) and closes (exclusive), 0–24. */
  startHour: number;
  endHour: number;
  timezone: string;
  /** Local dates (YYYY-MM-DD) the window stays shut. */
  holidays?: readonly string[];
}

export interface SendLimits {
  /** Attempts per rolling 60 s; 0 turns the limit off. Default 10. */
  ratePerMinute: number;
  /** Attempts per calendar day (in the window's timezone, else UTC) per mailbox; 0 turns it off. */
  dailyCap: number;
  window?: SendWindow;
  /** Pause sending when more than this share of the last `bounceSample` live sends hard-bounced (0 turns it off). */
  bounceThreshold: number;
  bounceSample: number;
}

/** Transient faults are retried this many times after the first attempt, then FAILED. */
export const DEFAULT_MAX_RETRIES = 2;

export const DEFAULT_LIMITS: SendLimits = { ratePerMinute: 10, dailyCap: 200, bounceThreshold: 0.05, bounceSample: 100 };

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Parse "Mon-Fri 09-17 Europe/Berlin" (days, hours, timezone), as flags and env take it. */
export function parseSendWindow(text: string): SendWindow {
  const m = /^\s*([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2})(?::00)?-(\d{1,2})(?::00)?(?:\s+(\S+))?\s*$/i.exec(text);
  const fail = () =>
    new Error(`send window "${text}" is not understood: write it like "Mon-Fri 09-17 Europe/Berlin" (days, hours, timezone)`);
  if (!m) throw fail();
  const from = DAY_NAMES.indexOf(m[1].toLowerCase());
  const to = DAY_NAMES.indexOf((m[2] ?? m[1]).toLowerCase());
  const startHour = Number(m[3]);
  const endHour = Number(m[4]);
  const timezone = m[5] ?? 'UTC';
  if (from < 0 || to < 0 || startHour >= endHour || endHour > 24) throw fail();
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new Error(`send window timezone "${timezone}" is not an IANA timezone (e.g. Europe/Berlin)`);
  }
  const days: number[] = [];
  for (let d = from; ; d = (d + 1) % 7) {
    days.push(d);
    if (d === to) break;
  }
  return { days, startHour, endHour, timezone };
}

export const sendLimitsSchema = z.object({
  ratePerMinute: z.number().int().min(0).max(10_000),
  dailyCap: z.number().int().min(0).max(1_000_000),
  bounceThreshold: z.number().min(0).max(1),
  bounceSample: z.number().int().min(1).max(100_000),
  window: z
    .object({ days: z.array(z.number().int().min(0).max(6)).min(1), startHour: z.number().int().min(0).max(23), endHour: z.number().int().min(1).max(24), timezone: z.string().min(1) })
    .optional(),
});

const parts = new Map<string, Intl.DateTimeFormat>();
function localParts(ms: number, timezone: string): { day: number; hour: number; y: number; mo: number; d: number; mi: number; s: number } {
  let f = parts.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    parts.set(timezone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { day: DAY_NAMES.indexOf(String(p.weekday).toLowerCase()), hour: Number(p.hour), y: Number(p.year), mo: Number(p.month), d: Number(p.day), mi: Number(p.minute), s: Number(p.second) };
}

/** Milliseconds since local midnight in `timezone`. */
function msIntoLocalDay(ms: number, timezone: string): number {
  const p = localParts(ms, timezone);
  return ((p.hour * 60 + p.mi) * 60 + p.s) * 1000 + (ms % 1000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar date of `ms` in `timezone`: "2026-12-24". */
export function localDate(ms: number, timezone: string): string {
  const p = localParts(ms, timezone);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}`;
}

/** Whether `ms` falls on a working day of the window (one of its days, not a holiday), in its zone. */
export function workingDay(w: SendWindow, ms: number): boolean {
  const p = localParts(ms, w.timezone);
  return w.days.includes(p.day) && !(w.holidays?.includes(`${p.y}-${pad(p.mo)}-${pad(p.d)}`) ?? false);
}

export function windowOpen(w: SendWindow | undefined, ms: number): boolean {
  if (!w) return true;
  const p = localParts(ms, w.timezone);
  if (!(p.hour >= w.startHour && p.hour < w.endHour)) return false;
  return w.days.includes(p.day) && !(w.holidays?.includes(`${p.y}-${pad(p.mo)}-${pad(p.d)}`) ?? false);
}

/**
 * The next moment the window opens, searched a quarter of an hour at a time (zones with half- and quarter-hour
 * offsets open off the hour in UTC), at most 40 days ahead (a long holiday list).
 */
export function nextWindowOpening(w: SendWindow, ms: number): number {
  const step = 900_000;
  let t = Math.ceil(ms / step) * step;
  for (let i = 0; i < 4 * 24 * 40; i++, t += step) if (windowOpen(w, t)) return t;
  return t;
}

export interface Budget {
  /** How many attempts may start now. */
  allowed: number;
  /** Why fewer than asked, in words; null when not limited. */
  limitedBy: string | null;
  /** When more budget frees up (epoch ms), when known. */
  nextAt: number | null;
}

/**
 * Read the budget for `mailbox` at `nowMs`. Call inside a transaction together with `spend`: it takes the mailbox's
 * lock first, so every worker of the store, on any host, reads and spends one mailbox's budget in turn.
 */
export async function budget(db: Db, mailbox: string, limits: SendLimits, nowMs: number): Promise<Budget> {
  await db.lock(mailboxLockKey(mailbox));
  const pause = await db.get('SELECT reason FROM send_pauses WHERE mailbox = ? AND resumed_at IS NULL', [mailbox]);
  if (pause) {
    return { allowed: 0, limitedBy: `sending from ${mailbox} is paused: ${text(pause[0], 'send_pauses.reason')}. Resume with \`leadflow sends resume\`.`, nextAt: null };
  }
  if (!windowOpen(limits.window, nowMs)) {
    return { allowed: 0, limitedBy: 'outside the send window', nextAt: nextWindowOpening(limits.window!, nowMs) };
  }
  let allowed = Number.MAX_SAFE_INTEGER;
  let limitedBy: string | null = null;
  let nextAt: number | null = null;
  if (limits.ratePerMinute > 0) {
    const recent = (await db.get('SELECT count(*) AS n, min(at_ms) AS oldest FROM send_attempts WHERE mailbox = ? AND at_ms > ?', [mailbox, nowMs - 60_000]))!;
    const room = limits.ratePerMinute - int(recent[0], 'count(send_attempts)');
    if (room < allowed) {
      const oldest = intOrNull(recent[1], 'min(send_attempts.at_ms)');
      allowed = Math.max(0, room);
      limitedBy = `rate limit of ${limits.ratePerMinute}/min`;
      nextAt = oldest ? oldest + 60_000 + 1 : nowMs;
    }
  }
  if (limits.dailyCap > 0) {
    const dayStart = nowMs - msIntoLocalDay(nowMs, limits.window?.timezone ?? 'UTC');
    const today = int((await db.get('SELECT count(*) AS n FROM send_attempts WHERE mailbox = ? AND at_ms >= ?', [mailbox, dayStart]))![0], 'count(send_attempts)');
    const room = limits.dailyCap - today;
    if (room < allowed) {
      allowed = Math.max(0, room);
      limitedBy = `daily cap of ${limits.dailyCap} for ${mailbox}`;
      nextAt = dayStart + 86_400_000;
    }
  }
  return { allowed, limitedBy: allowed === Number.MAX_SAFE_INTEGER ? null : limitedBy, nextAt };
}

/** The lock a mailbox's budget is read and spent under (`Db.lock`): one name per address, whatever its case. */
export function mailboxLockKey(mailbox: string): string {
  return `mailbox-budget:${mailbox.toLowerCase()}`;
}

/** Record attempts that were just claimed. Same transaction as `budget`. */
export async function spend(db: Db, mailbox: string, sendIds: number[], nowMs: number): Promise<void> {
  for (const id of sendIds) await db.run('INSERT INTO send_attempts (mailbox, send_id, at_ms) VALUES (?, ?, ?)', [mailbox, id, nowMs]);
}

/** Take back the attempt just spent on a claimed row that did not go (it waits for its recipient's hours). */
export async function refund(db: Db, mailbox: string, sendId: number): Promise<void> {
  await db.run('DELETE FROM send_attempts WHERE id = (SELECT max(id) FROM send_attempts WHERE mailbox = ? AND send_id = ?)', [mailbox, sendId]);
}

export async function pauseMailbox(db: Db, mailbox: string, reason: string): Promise<void> {
  const now = new Date().toISOString();
  await db.run(
    `INSERT INTO send_pauses (mailbox, reason, paused_at) VALUES (?, ?, ?)
     ON CONFLICT (mailbox) DO UPDATE SET reason = excluded.reason,
       paused_at = CASE WHEN send_pauses.resumed_at IS NULL THEN send_pauses.paused_at ELSE excluded.paused_at END, resumed_at = NULL`,
    [mailbox, reason, now],
  );
}

/** Lift the pause of one mailbox (or all). The pause is kept as resumed, so sends before it no longer count. */
export function resumeMailbox(db: Db, mailbox?: string): Promise<number> {
  const now = new Date().toISOString();
  return mailbox
    ? db.run('UPDATE send_pauses SET resumed_at = ? WHERE mailbox = ? AND resumed_at IS NULL', [now, mailbox])
    : db.run('UPDATE send_pauses SET resumed_at = ? WHERE resumed_at IS NULL', [now]);
}

export interface SendPause {
  mailbox: string;
  reason: string;
  pausedAt: string;
}

/** The send_pauses table's one row mapper: `resumed_at` is read on its own (a pause in force has none). */
export const SEND_PAUSES = rowMapper<SendPause>({
  mailbox: ['mailbox', text],
  reason: ['reason', text],
  pausedAt: ['paused_at', text],
});

export async function pauses(db: Db): Promise<SendPause[]> {
  const rows = await db.all(`SELECT ${SEND_PAUSES.columns} FROM send_pauses WHERE resumed_at IS NULL ORDER BY mailbox`);
  return rows.map((r) => SEND_PAUSES.from(r));
}

/**
 * Pause every mailbox when the share of hard bounces among the last `sample` live sends since the last resume passes
 * the threshold: a list that bounces that much is hurting the sender's reputation. Checked before every live drain
 * with the sender's own configured threshold (SendingConfig), so every adapter pauses at the same figure. Returns
 * the pause reason, or null.
 */
export async function checkBounceRate(db: Db, limits: Pick<SendLimits, 'bounceThreshold' | 'bounceSample'>): Promise<string | null> {
  if (limits.bounceThreshold <= 0) return null;
  const r = (await db.get(
    `SELECT count(*) AS sent, sum(CASE WHEN l.status = 'BOUNCED' THEN 1 ELSE 0 END) AS bounced FROM (
       SELECT lead_id FROM sends
       WHERE dry_run = 0 AND state = 'SENT' AND channel = 'email' AND sent_at > coalesce((SELECT max(resumed_at) FROM send_pauses), '')
       ORDER BY id DESC LIMIT ?
     ) s JOIN leads l ON l.id = s.lead_id`,
    [limits.bounceSample],
  ))!;
  const sent = int(r[0], 'count(sends)');
  const bounced = intOrNull(r[1], 'bounced') ?? 0;
  // Below a handful of sends one bounce is noise, not a signal.
  if (sent < Math.min(20, limits.bounceSample) || bounced / sent <= limits.bounceThreshold) return null;
  const reason = `${bounced} of the last ${sent} live sends hard-bounced (${((bounced / sent) * 100).toFixed(1)}%, threshold ${(limits.bounceThreshold * 100).toFixed(1)}%): clean the list before sending more`;
  const mailboxes = (await db.all("SELECT DISTINCT envelope_from FROM sends WHERE dry_run = 0 AND state = 'SENT' AND channel = 'email'")).map((m) =>
    text(m[0], 'sends.envelope_from'),
  );
  const active = new Set((await pauses(db)).map((p) => p.mailbox.toLowerCase()));
  for (const m of mailboxes) if (!active.has(m.toLowerCase())) await pauseMailbox(db, m, reason);
  return reason;
}
