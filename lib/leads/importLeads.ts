/**
 * Import leads from outside rows — a CSV file, or plain objects such as n8n items — into the store. Each row is
 * mapped and validated; rows that fail, and rows already in the store, come back with their reason; the good rows
 * go in together in one transaction. A file that cannot be read or parsed changes nothing.
 */
import { readFileSync } from 'node:fs';
import type { Store } from '../store/store';
import { mapRows, parseCsv, type FieldMapping } from './rows';
import { ingestLeads } from './ingest';

export interface ImportOptions {
  mapping?: FieldMapping;
  /** Recorded on each lead: "csv:leads.csv", "n8n", … */
  source: string;
}

export interface ImportReport {
  rows: number;
  inserted: number;
  /** Ids of the new leads, in row order. */
  ids: number[];
  rejected: { rowNumber: number; reason: string }[];
}

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

export function importRows(store: Store, rows: Record<string, unknown>[], o: ImportOptions): ImportReport {
  const mapped = mapRows(rows, { mapping: o.mapping, source: o.source });
  const report: ImportReport = {
    rows: rows.length,
    inserted: 0,
    ids: [],
    rejected: mapped.rejected.map((r) => ({ rowNumber: r.rowNumber, reason: r.reason })),
  };
  const now = new Date().toISOString();
  store.tx(() => {
    const result = ingestLeads(store, mapped.leads.map((l) => l.lead), now);
    for (const ok of result.inserted) report.ids.push(ok.id);
    for (const skip of result.skipped) {
      report.rejected.push({ rowNumber: mapped.leads[skip.index].rowNumber, reason: skip.reason });
    }
  });
  report.inserted = report.ids.length;
  report.rejected.sort((a, b) => a.rowNumber - b.rowNumber);
  return report;
}

export function importCsvText(store: Store, text: string, o: ImportOptions): ImportReport {
  let rows: Record<string, unknown>[];
  try {
    rows = parseCsv(text);
  } catch (err) {
    throw new ImportError(`the CSV could not be parsed, nothing was imported: ${(err as Error).message}`);
  }
  return importRows(store, rows, o);
}

export function importCsvFile(store: Store, path: string, o: Partial<ImportOptions> = {}): ImportReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ImportError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return importCsvText(store, text, { source: o.source ?? `csv:${path.split('/').pop()}`, mapping: o.mapping });
}
