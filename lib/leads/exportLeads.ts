/**
 * Export leads as CSV or JSON Lines, streamed: rows are read one at a time from SQLite and written as the sink
 * accepts them, so exporting a million leads never holds them in memory. A lead's custom attributes (the columns
 * of its import no field read) come along: in CSV as columns after the lead's fields, one per attribute name any
 * exported lead has; in JSON Lines as an `attributes` object.
 */
import { stringify } from 'csv-stringify/sync';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { LeadStatus } from '../types';
import type { AnyStore } from '../store/openDb';
import { attributeNamesOf, attributesOfLeadsOn, leadPagesOf, type StoredLead } from '../store/leads';

export const EXPORT_COLUMNS = [
  'id', 'email', 'firstName', 'lastName', 'title', 'company', 'companyDomain', 'website', 'linkedinUrl', 'industry',
  'country', 'timezone', 'synthetic', 'source', 'variant', 'status', 'statusReason', 'createdAt', 'updatedAt',
] as const satisfies readonly (keyof StoredLead)[];

export type ExportFormat = 'csv' | 'json';

function csvLine(lead: StoredLead, attributes: Record<string, string>, names: readonly string[]): string {
  // A leading = + - @ would be run as a formula by spreadsheet apps: prefix it with a quote (CSV injection).
  const cells = EXPORT_COLUMNS.map((c) => neutralize(lead[c]));
  for (const name of names) cells.push(neutralize(attributes[name]));
  return stringify([cells]);
}

/** An attribute's column in the export: its own name, unless a lead field has that name. */
function attributeColumn(name: string): string {
  return (EXPORT_COLUMNS as readonly string[]).includes(name) ? `${name} (attribute)` : name;
}

function neutralize(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export async function exportLeads(
  store: AnyStore,
  sink: Writable,
  o: { status?: LeadStatus; format?: ExportFormat; campaignId?: number } = {},
): Promise<number> {
  const format = o.format ?? 'csv';
  let count = 0;
  const write = async (chunk: string) => {
    if (!sink.write(chunk)) await once(sink, 'drain');
  };
  // Read only when some lead has attributes: a store without any exports as fast as before them.
  const names = await attributeNamesOf(store, o.status, o.campaignId);
  if (format === 'csv') await write(stringify([[...EXPORT_COLUMNS, ...names.map(attributeColumn)]]));
  for await (const page of leadPagesOf(store, o.status, o.campaignId)) {
    const attributes = names.length ? await attributesOfLeadsOn(store, page.map((l) => l.id)) : undefined;
    for (const lead of page) {
      const own = attributes?.get(lead.id) ?? {};
      await write(format === 'csv' ? csvLine(lead, own, names) : JSON.stringify({ ...lead, attributes: own }) + '\n');
      count++;
    }
  }
  return count;
}
