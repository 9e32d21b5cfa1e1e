/** Flag parsers for the CLI: each rejects a bad value with a sentence that names the flag and what it takes. */
import { InvalidArgumentError } from 'commander';
import { CHANNELS, INDUSTRIES, LEAD_STATUSES, type Channel, type Industry, type LeadStatus } from '../../lib/types';

export function wholeNumber(min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new InvalidArgumentError(`must be a whole number, got "${raw}".`);
    const n = Number(raw);
    if (n < min || n > max) throw new InvalidArgumentError(`must be between ${min} and ${max}, got ${n}.`);
    return n;
  };
}

export function integer(raw: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError(`must be an integer, got "${raw}".`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`is too large: ${raw}.`);
  return n;
}

export function channelList(raw: string): Channel[] {
  const list = raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = list.filter((c) => !(CHANNELS as readonly string[]).includes(c));
  if (bad.length || list.length === 0) {
    throw new InvalidArgumentError(`takes a comma-separated list of ${CHANNELS.join(', ')}; got "${raw}".`);
  }
  return [...new Set(list)] as Channel[];
}

export function industryList(raw: string): Industry[] {
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const out: Industry[] = [];
  for (const name of list) {
    const hit = INDUSTRIES.find((i) => i.toLowerCase() === name.toLowerCase());
    if (!hit) throw new InvalidArgumentError(`"${name}" is not an industry; pick from ${INDUSTRIES.join(', ')}.`);
    out.push(hit);
  }
  return out;
}

export function leadStatus(raw: string): LeadStatus {
  const s = raw.trim().toUpperCase();
  if (!(LEAD_STATUSES as readonly string[]).includes(s)) {
    throw new InvalidArgumentError(`"${raw}" is not a status; pick from ${LEAD_STATUSES.join(', ')}.`);
  }
  return s as LeadStatus;
}

export function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): T => {
    const v = raw.trim().toLowerCase() as T;
    if (!values.includes(v)) throw new InvalidArgumentError(`takes one of ${values.join(', ')}; got "${raw}".`);
    return v;
  };
}
