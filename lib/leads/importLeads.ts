/**
 * Import leads from outside rows — a CSV file, CSV text, or plain objects such as n8n items — into the store. Each
 * row is mapped and validated; rows that fail, and rows already in the store, come back with their reason; the good
 * rows go in. A file that cannot be read or parsed changes nothing.
 *
 * Rows given at once (an array, CSV text) go in together in one transaction. A CSV file is streamed instead, so
 * memory stays flat in its size: it is read once to check that it parses, keeping nothing, then read again and
 * written IMPORT_BATCH_ROWS rows per transaction — other processes sharing the store wait for one batch at most,
 * never for the whole file. Row numbers and duplicates within the file carry across batches.
 */
import { errorKind, LeadflowError } from '../errors';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Store } from '../store/store';
import { mapRows, type FieldMapping } from './rows';
import { csvBatches, CsvFormatError, parseCsv } from './csv';
import { ingestLeads } from './ingest';
import { leadIdByEmail } from '../store/leads';

/** Rows per transaction when a file is streamed in. */
export const IMPORT_BATCH_ROWS = 5_000;

export interface ImportOptions {
  mapping?: FieldMapping;
  /** Recorded on each lead: "csv:leads.csv", "n8n", … */
  source: string;
}

export interface FileImportOptions extends Partial<ImportOptions> {
  /** Rows per transaction (default IMPORT_BATCH_ROWS). */
  batchSize?: number;
}

export interface ImportReport {
  rows: number;
  inserted: number;
  /** Ids of the new leads, in row order. */
  ids: number[];
  rejected: { rowNumber: number; reason: string }[];
}

export class ImportError extends LeadflowError {
  constructor(message: string, options?: ErrorOptions) {
    super('input', message, options);
    this.name = 'ImportError';
  }
}

interface BatchImport {
  /** Map and validate the next rows of the input, then insert the good ones in one transaction. */
  add(rows: readonly Record<string, unknown>[]): void;
  /** The report so far: rows from committed batches only. */
  readonly report: ImportReport;
}

/**
 * One import fed batch by batch: row numbers and the report carry from batch to batch. A duplicate within a batch
 * is caught by mapRows; one of an earlier batch's row is caught by the store's unique email, and told apart from a
 * lead that was there before by its id — this import's ids are in the report already, so the only other thing
 * kept per row is its row number (a Map of every email seen cost ~85 bytes a row: 115 MB of peak RSS at 400k).
 */
function batchImport(store: Store, o: ImportOptions): BatchImport {
  const report: ImportReport = { rows: 0, inserted: 0, ids: [], rejected: [] };
  const rowOfId: number[] = []; // rowOfId[i] is the row number of report.ids[i]
  const now = new Date().toISOString();
  const earlierRowOf = (email: string): number | undefined => {
    const id = leadIdByEmail(store, email);
    const i = id === undefined ? -1 : indexOfId(report.ids, id);
    return i < 0 ? undefined : rowOfId[i];
  };
  return {
    report,
    add(rows) {
      const mapped = mapRows(rows, { mapping: o.mapping, source: o.source, firstRowNumber: report.rows + 1 });
      const rejected = mapped.rejected.map((r) => ({ rowNumber: r.rowNumber, reason: r.reason }));
      const result = store.tx(() => ingestLeads(store, mapped.leads.map((l) => l.lead), now));
      for (const ok of result.inserted) {
        report.ids.push(ok.id);
        rowOfId.push(mapped.leads[ok.index].rowNumber);
      }
      for (const skip of result.skipped) {
        const earlier = skip.kind === 'duplicate' ? earlierRowOf(skip.email) : undefined;
        rejected.push({
          rowNumber: mapped.leads[skip.index].rowNumber,
          // The same words mapRows uses for a duplicate within a batch.
          reason: earlier === undefined ? skip.reason : `duplicate_in_input: ${skip.email} already appears in row ${earlier}`,
        });
      }
      // Batches come in row order, so sorting each batch keeps the whole list in row order.
      rejected.sort((a, b) => a.rowNumber - b.rowNumber);
      for (const r of rejected) report.rejected.push(r);
      report.rows += rows.length;
      report.inserted = report.ids.length;
    },
  };
}

/** Where `id` is in this import's ids, or -1: they ascend (lead ids are AUTOINCREMENT, never reused), so a binary search. */
function indexOfId(ids: readonly number[], id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] === id) return mid;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function importRows(store: Store, rows: Record<string, unknown>[], o: ImportOptions): ImportReport {
  const run = batchImport(store, o);
  run.add(rows);
  return run.report;
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

/**
 * Stream a CSV file into the store (see the header). A pipe (`/dev/stdin`, bash's `<(zcat leads.csv.gz)`) can be
 * read only once, so it is first copied to a temporary file, removed afterwards.
 */
export async function importCsvFile(store: Store, path: string, o: FileImportOptions = {}): Promise<ImportReport> {
  const options: ImportOptions = { source: o.source ?? `csv:${basename(path)}`, mapping: o.mapping };
  const batchSize = Math.max(1, Math.floor(o.batchSize ?? IMPORT_BATCH_ROWS));
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    throw cannotRead(path, err);
  }
  if (isFile) return importStreamedFile(store, path, path, options, batchSize);
  const spoolDir = mkdtempSync(join(tmpdir(), 'leadflow-import-'));
  try {
    const spool = join(spoolDir, 'input.csv');
    try {
      await pipeline(createReadStream(path), createWriteStream(spool));
    } catch (err) {
      throw cannotRead(path, err);
    }
    return await importStreamedFile(store, spool, path, options, batchSize);
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

async function importStreamedFile(store: Store, file: string, shownAs: string, o: ImportOptions, batchSize: number): Promise<ImportReport> {
  const nothingImported = (err: unknown) =>
    err instanceof CsvFormatError ? new ImportError(`the CSV could not be parsed, nothing was imported: ${err.message}`, { cause: err }) : err;
  // First pass: the whole file must parse before anything is written; nothing is kept.
  try {
    await eachBatch(file, shownAs, batchSize, () => {});
  } catch (err) {
    throw nothingImported(err);
  }
  // Second pass: map, validate and insert, one transaction per batch. It fails only if the file changed in between,
  // or the store failed; then the batches before the failure stay in, and the error says which rows those are.
  const run = batchImport(store, o);
  try {
    await eachBatch(file, shownAs, batchSize, run.add);
  } catch (err) {
    const { rows, inserted } = run.report;
    if (rows === 0) throw nothingImported(err);
    const what = err instanceof CsvFormatError ? `the CSV changed while it was imported and no longer parses: ${err.message}` : (err as Error).message;
    const message =
      `the import stopped after row ${rows}: ${what}. Rows 1-${rows} were imported (${inserted} new lead(s)), nothing after ` +
      'them; importing the file again reports those rows as already in the store.';
    // A store failure keeps its own kind (a locked file, a full disk): only a bad file makes this the user's input.
    throw err instanceof ImportError || err instanceof CsvFormatError ? new ImportError(message, { cause: err }) : new LeadflowError(errorKind(err), message, { cause: err });
  }
  return run.report;
}

/** Each batch of the file's records, to `take`. A read error becomes an ImportError; a CsvFormatError is thrown as is. */
async function eachBatch(file: string, shownAs: string, batchSize: number, take: (rows: Record<string, string>[]) => void): Promise<void> {
  const input = createReadStream(file);
  let readError: unknown;
  input.once('error', (err) => (readError = err));
  try {
    for await (const batch of csvBatches(input, batchSize)) take(batch);
  } catch (err) {
    throw readError !== undefined ? cannotRead(shownAs, readError) : err;
  } finally {
    input.destroy(); // already ended, unless `take` threw
  }
}

function cannotRead(path: string, err: unknown): ImportError {
  return new ImportError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
}
