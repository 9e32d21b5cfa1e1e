/**
 * Export leads as CSV or JSON Lines, streamed: rows are read one at a time from SQLite and written as the sink
 * accepts them, so exporting a million leads never holds them in memory.
 */
import { stringify } from 'csv-stringify/sync';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { LeadStatus } from '../types';
import type { Store } from '../store/store';
import { iterateLeads, type StoredLead } from '../store/leads';

export const EXPORT_COLUMNS = [
  'id', 'email', 'firstName', 'lastName', 'title', 'company', 'companyDomain', 'website', 'linkedinUrl', 'industry',
  'country', 'timezone', 'synthetic', 'source', 'variant', 'status', 'statusReason', 'createdAt', 'updatedAt',
] as const satisfies readonly (keyof StoredLead)[];

export type ExportFormat = 'csv' | 'json';

function csvLine(lead: StoredLead): string {
  // A leading = + - @ would be run as a formula by spreadsheet apps: prefix it with a quote (CSV injection).
  return stringify([EXPORT_COLUMNS.map((c) => neutralize(lead[c]))]);
}

function neutralize(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export async function exportLeads(
  store: Store,
  sink: Writable,
  o: { status?: LeadStatus; format?: ExportFormat } = {},
): Promise<number> {
  const format = o.format ?? 'csv';
  let count = 0;
  const write = async (chunk: string) => {
    if (!sink.write(chunk)) await once(sink, 'drain');
  };
  if (format === 'csv') await write(stringify([EXPORT_COLUMNS as unknown as string[]]));
  for (const lead of iterateLeads(store, o.status)) {
    await write(format === 'csv' ? csvLine(lead) : JSON.stringify(lead) + '\n');
    count++;
  }
  return count;
}
