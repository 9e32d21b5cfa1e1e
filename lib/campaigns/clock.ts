/**
 * The recipient's clock: a campaign's window (days, hours, holidays) in each lead's own time zone — or in one zone
 * for all — as the sending core's `SendWindow`, and business days counted on that calendar, so a follow-up "three
 * business days later" is three of the recipient's working days, and lands inside their hours.
 *
 * A lead whose zone is missing or not an IANA name gets the campaign's sender-side fallback: UTC. A campaign with no
 * window, and the demo, send whenever the sender's own limits allow (as before campaigns).
 */
import { nextWindowOpening, windowOpen, workingDay, type SendWindow } from '../sending/limits';
import type { Campaign } from './campaigns';
import type { CampaignWindow } from './spec';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function daysOf(text: string): number[] {
  const named = (d: string) => DAY_NAMES.indexOf(d.trim().toLowerCase().slice(0, 3));
  if (text.includes(',')) return text.split(',').map(named);
  const [from, to = from] = text.split('-').map(named);
  const days: number[] = [];
  for (let d = from; ; d = (d + 1) % 7) {
    days.push(d);
    if (d === to) break;
  }
  return days;
}

const validZones = new Map<string, boolean>();
function isZone(zone: string): boolean {
  let ok = validZones.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      ok = zone !== '';
    } catch {
      ok = false;
    }
    validZones.set(zone, ok);
  }
  return ok;
}

/** The window for one lead of a campaign, in the lead's zone or the campaign's; undefined when it has none. */
export function windowFor(w: CampaignWindow | undefined, leadTimezone: string | undefined): SendWindow | undefined {
  if (!w) return undefined;
  const [startHour, endHour] = w.hours.split('-').map(Number);
  const zone = w.zone === 'recipient' ? (leadTimezone && isZone(leadTimezone) ? leadTimezone : 'UTC') : w.zone;
  return { days: daysOf(w.days), startHour, endHour, timezone: zone, holidays: w.holidays };
}

/** `windowFor`, reading the campaign (the demo has none). */
export function campaignWindowFor(campaign: Campaign | undefined, leadTimezone: string | undefined): SendWindow | undefined {
  return campaign && !campaign.builtin ? windowFor(campaign.spec.window, leadTimezone) : undefined;
}

/**
 * When a step `delay` business days after `from` is due for this lead: counted on the window's calendar (its days,
 * its holidays, in its zone) and moved to the window's next opening when it would land outside it. Without a window:
 * Monday–Friday in UTC, at the same time of day.
 */
export function dueAfter(w: SendWindow | undefined, from: Date, delay: number): Date {
  const d = new Date(from.getTime());
  let left = delay;
  while (left > 0) {
    d.setTime(d.getTime() + 86_400_000);
    const working = w ? workingDay(w, d.getTime()) : d.getUTCDay() !== 0 && d.getUTCDay() !== 6;
    if (working) left--;
  }
  return opensAt(w, d);
}

/** `at`, or the window's next opening when `at` is outside it. */
export function opensAt(w: SendWindow | undefined, at: Date): Date {
  return !w || windowOpen(w, at.getTime()) ? at : new Date(nextWindowOpening(w, at.getTime()));
}
