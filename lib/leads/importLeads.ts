/**
 * Import leads from outside rows — a CSV file, CSV text, or plain objects such as n8n items — into the store. Each
 * row is mapped and validated; rows that fail, and rows already in the store, come back with their reason; the good
 * rows go in. A file that cannot be read or parsed changes nothing. The report also says which column fed which
 * field, which columns were kept with each lead as custom attributes, what looks amiss (a title-like column nobody
 * read), and how a file was read (encoding, delimiter, header line), so a user sees at once that nothing was lost.
 *
 * A file's encoding and layout are told from its first chunk (textEncoding.ts, csvLayout.ts); a file that is UTF-8
 * only as far as that chunk goes and then is not is read again, whole, as Windows-1252 — in the first pass, before
 * anything is written.
 *
 * Rows given at once (an array, CSV text) go in together in one transaction. A CSV file is streamed instead, so
 * memory stays flat in its size: it is read once to check that it parses, keeping nothing, then read again and
 * written IMPORT_BATCH_ROWS rows per transaction — other processes sharing the store wait for one batch at most,
 * never for the whole file. Row numbers and duplicates within the file carry across batches.
 */
import { errorKind, LeadflowError } from '../errors';
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../store/db';
import { mapRows, type FieldMapping, type MappedRows } from './rows';
import { csvBatches, CsvFormatError, csvTextLayout, parseCsv } from './csv';
import { columnWarnings, MAPPABLE_FIELDS, type MappableField } from './columns';
import { DELIMITER_NAMES, detectLayout, type CsvLayout } from './csvLayout';
import { ENCODING_LABELS, InvalidTextError, sniffEncoding, toUtf8Stream, type SniffedEncoding, type TextEncodingName } from './textEncoding';
import { ingestLeadsOn } from './ingest';
import { joinableCampaign } from '../campaigns/campaigns';
import { reasonCode } from './validate';
import { leadIdByEmailOn } from '../store/leads';

/** Rows per transaction when a file is streamed in. */
export const IMPORT_BATCH_ROWS = 5_000;

export interface ImportOptions {
  mapping?: FieldMapping;
  /** Recorded on each lead: "csv:leads.csv", "n8n", … */
  source: string;
  /** The campaign new leads join (by name); otherwise the built-in demo. */
  campaign?: string;
}

export interface FileImportOptions extends Partial<ImportOptions> {
  /** Rows per transaction (default IMPORT_BATCH_ROWS). */
  batchSize?: number;
}

/** Bytes of a file its encoding and layout are told from. */
const SNIFF_BYTES = 64 * 1024;

export interface ImportReport {
  rows: number;
  inserted: number;
  /** Ids of the new leads, in row order. */
  ids: number[];
  rejected: { rowNumber: number; reason: string }[];
  /** Which column fed which lead field, in field order. */
  fields: { field: MappableField; column: string }[];
  /** The columns no field reads, kept with each lead as custom attributes (its non-empty cells), in column order. */
  attributes: string[];
  /** What may need a look: a column that looks like a field nobody filled ("Designation"), no email column. */
  warnings: string[];
  /** How CSV was read; absent for rows given as objects. */
  format?: ImportFormat;
}

export interface ImportFormat {
  /** "UTF-8", "UTF-8 with BOM", "UTF-16 LE", "Windows-1252"; absent for CSV text, which is decoded already. */
  encoding?: string;
  delimiter: (typeof DELIMITER_NAMES)[keyof typeof DELIMITER_NAMES];
  /** The line the header row is on: above it, a preamble such as LinkedIn's "Notes:" was skipped. */
  headerLine: number;
}

export class ImportError extends LeadflowError {
  constructor(message: string, options?: ErrorOptions) {
    super('input', message, options);
    this.name = 'ImportError';
  }
}

interface BatchImport {
  /** Map and validate the next rows of the input, then insert the good ones in one transaction. */
  add(rows: readonly Record<string, unknown>[]): Promise<void>;
  /** The report so far: rows from committed batches only. */
  readonly report: ImportReport;
}

/**
 * Whether an import put nothing in for a reason worth a failing exit: no row went in, and not because every row
 * was already in the store (importing a file twice is not a failure).
 */
export function importedNothing(report: ImportReport): boolean {
  if (report.inserted > 0) return false;
  return report.rows === 0 || report.rejected.some((r) => reasonCode(r.reason) !== 'duplicate');
}

/**
 * One import fed batch by batch: row numbers and the report carry from batch to batch. A duplicate within a batch
 * is caught by mapRows; one of an earlier batch's row is caught by the store's unique email, and told apart from a
 * lead that was there before by its id — this import's ids are in the report already, so the only other thing
 * kept per row is its row number (a Map of every email seen cost ~85 bytes a row: 115 MB of peak RSS at 400k).
 */
async function batchImport(db: Db, o: ImportOptions, format?: ImportFormat): Promise<BatchImport> {
  const report: ImportReport = { rows: 0, inserted: 0, ids: [], rejected: [], fields: [], attributes: [], warnings: [], format };
  const columns = columnsReport();
  const rowOfId: number[] = []; // rowOfId[i] is the row number of report.ids[i]
  const now = new Date().toISOString();
  const campaignId = o.campaign === undefined ? undefined : (await joinableCampaign(db, o.campaign)).id;
  const earlierRowOf = async (email: string): Promise<number | undefined> => {
    const id = await leadIdByEmailOn(db, email);
    const i = id === undefined ? -1 : indexOfId(report.ids, id);
    return i < 0 ? undefined : rowOfId[i];
  };
  return {
    report,
    async add(rows) {
      const mapped = mapRows(rows, { mapping: o.mapping, source: o.source, firstRowNumber: report.rows + 1 });
      const rejected = mapped.rejected.map((r) => ({ rowNumber: r.rowNumber, reason: r.reason }));
      const result = await db.transaction((t) => ingestLeadsOn(t, mapped.leads.map((l) => l.lead), now, campaignId));
      for (const ok of result.inserted) {
        report.ids.push(ok.id);
        rowOfId.push(mapped.leads[ok.index].rowNumber);
      }
      for (const skip of result.skipped) {
        const earlier = skip.kind === 'duplicate' ? await earlierRowOf(skip.email) : undefined;
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
      columns.add(mapped, report);
    },
  };
}

/**
 * Which columns fed which fields and which were kept, gathered over the batches (rows given as objects may each
 * have their own columns), and the warnings they call for.
 */
function columnsReport() {
  const fed = new Map<MappableField, Set<string>>();
  const kept = new Set<string>();
  const feed = (field: MappableField, column: string) => {
    const columns = fed.get(field) ?? new Set<string>();
    columns.add(column);
    fed.set(field, columns);
  };
  return {
    add(mapped: MappedRows, report: ImportReport): void {
      for (const use of mapped.plans) {
        if (!use.plan.ok) continue;
        for (const field of MAPPABLE_FIELDS) {
          const column = use.plan.columns[field];
          if (column === undefined) continue;
          // LinkedIn's "URL" is read as the website column by name, and as the LinkedIn URL by what it holds.
          if (field === 'website' && use.linkedinFromWebsite > 0) feed('linkedinUrl', column);
          if (field !== 'website' || use.websiteFromColumn > 0 || use.linkedinFromWebsite === 0) feed(field, column);
        }
        for (const column of use.plan.attributes) kept.add(column);
      }
      report.fields = MAPPABLE_FIELDS.flatMap((field) => [...(fed.get(field) ?? [])].map((column) => ({ field, column })));
      report.attributes = [...kept];
      const first = Object.fromEntries(report.fields.map((f) => [f.field, f.column])) as Partial<Record<MappableField, string>>;
      report.warnings = report.rows > 0 || report.fields.length > 0 ? columnWarnings(first, report.attributes) : [];
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

export async function importRows(db: Db, rows: Record<string, unknown>[], o: ImportOptions): Promise<ImportReport> {
  const run = await batchImport(db, o);
  await run.add(rows);
  return run.report;
}

/** CSV text (already decoded: from a tool call) in one transaction, its layout found as a file's is. */
export async function importCsvText(db: Db, text: string, o: ImportOptions): Promise<ImportReport> {
  const layout = csvTextLayout(text, o.mapping);
  let rows: Record<string, unknown>[];
  try {
    rows = parseCsv(text, layout);
  } catch (err) {
    throw new ImportError(`the CSV could not be parsed, nothing was imported: ${(err as Error).message}`);
  }
  const run = await batchImport(db, o, formatOf(layout));
  await run.add(rows);
  return run.report;
}

/**
 * Stream a CSV file into the store (see the header). A pipe (`/dev/stdin`, bash's `<(zcat leads.csv.gz)`) can be
 * read only once, so it is first copied to a temporary file, removed afterwards.
 */
export async function importCsvFile(db: Db, path: string, o: FileImportOptions = {}): Promise<ImportReport> {
  const options: ImportOptions = { source: o.source ?? `csv:${basename(path)}`, mapping: o.mapping, campaign: o.campaign };
  const batchSize = Math.max(1, Math.floor(o.batchSize ?? IMPORT_BATCH_ROWS));
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    throw cannotRead(path, err);
  }
  if (isFile) return importStreamedFile(db, path, path, options, batchSize);
  const spoolDir = mkdtempSync(join(tmpdir(), 'leadflow-import-'));
  try {
    const spool = join(spoolDir, 'input.csv');
    try {
      await pipeline(createReadStream(path), createWriteStream(spool));
    } catch (err) {
      throw cannotRead(path, err);
    }
    return await importStreamedFile(db, spool, path, options, batchSize);
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

async function importStreamedFile(db: Db, file: string, shownAs: string, o: ImportOptions, batchSize: number): Promise<ImportReport> {
  const nothingImported = (err: unknown) =>
    err instanceof CsvFormatError
      ? new ImportError(`the CSV could not be parsed, nothing was imported: ${err.message}`, { cause: err })
      : err instanceof InvalidTextError
        ? new ImportError(`nothing was imported: ${notText(shownAs, err, sniffed)}`, { cause: err })
        : err;
  const head = readHead(file, shownAs);
  const sniffed = sniffEncoding(head, shownAs);
  const layout = detectLayout(new TextDecoder(sniffed.encoding).decode(head, { stream: true }), head.length < SNIFF_BYTES, o.mapping);
  let encoding: TextEncodingName = sniffed.encoding;
  // First pass: the whole file must decode and parse before anything is written; nothing is kept.
  try {
    try {
      await eachBatch(file, shownAs, encoding, layout, batchSize, () => {});
    } catch (err) {
      if (!(err instanceof InvalidTextError && sniffed.mayBeWindows1252)) throw err;
      // ASCII as far as the sniff went, then a byte UTF-8 does not allow: Excel's "CSV" on Windows.
      encoding = 'windows-1252';
      await eachBatch(file, shownAs, encoding, layout, batchSize, () => {});
    }
  } catch (err) {
    throw nothingImported(err);
  }
  // Second pass: map, validate and insert, one transaction per batch. It fails only if the file changed in between,
  // or the store failed; then the batches before the failure stay in, and the error says which rows those are.
  const run = await batchImport(db, o, formatOf(layout, encoding, sniffed.bom));
  try {
    await eachBatch(file, shownAs, encoding, layout, batchSize, run.add);
  } catch (err) {
    const { rows, inserted } = run.report;
    if (rows === 0) throw nothingImported(err);
    const fileChanged = err instanceof CsvFormatError || err instanceof InvalidTextError;
    const what = fileChanged ? `the file changed while it was imported and no longer reads: ${err.message}` : (err as Error).message;
    const message =
      `the import stopped after row ${rows}: ${what}. Rows 1-${rows} were imported (${inserted} new lead(s)), nothing after ` +
      'them; importing the file again reports those rows as already in the store.';
    // A store failure keeps its own kind (a locked file, a full disk): only a bad file makes this the user's input.
    throw err instanceof ImportError || fileChanged ? new ImportError(message, { cause: err }) : new LeadflowError(errorKind(err), message, { cause: err });
  }
  return run.report;
}

function formatOf(layout: CsvLayout, encoding?: TextEncodingName, bom = false): ImportFormat {
  return {
    ...(encoding ? { encoding: ENCODING_LABELS[encoding] + (bom && encoding === 'utf-8' ? ' with BOM' : '') } : {}),
    delimiter: DELIMITER_NAMES[layout.delimiter],
    headerLine: layout.headerLine,
  };
}

/** The sentence for bytes that are not valid in the encoding the file's beginning promised. */
function notText(shownAs: string, err: InvalidTextError, sniffed: SniffedEncoding): string {
  const label = ENCODING_LABELS[err.encoding];
  const fix = 'save it again as "CSV UTF-8" and import that';
  if (sniffed.bom) return `${shownAs} starts with a ${label} byte-order mark, but its bytes at offset ${err.offset} are not ${label}: ${fix}`;
  return `${shownAs} is UTF-8 in its first part, but its bytes at offset ${err.offset} are not: it mixes encodings; ${fix}`;
}

/** The first SNIFF_BYTES of the file (all of a smaller one): what its encoding and layout are told from. */
function readHead(file: string, shownAs: string): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(SNIFF_BYTES);
    let length = 0;
    for (let n = -1; n !== 0 && length < SNIFF_BYTES; length += n) n = readSync(fd, head, length, SNIFF_BYTES - length, null);
    return head.subarray(0, length);
  } catch (err) {
    throw cannotRead(shownAs, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Each batch of the file's records, decoded from `encoding`, to `take`. A read error becomes an ImportError; a
 * CsvFormatError or an InvalidTextError is thrown as is.
 */
async function eachBatch(
  file: string,
  shownAs: string,
  encoding: TextEncodingName,
  layout: CsvLayout,
  batchSize: number,
  take: (rows: Record<string, string>[]) => void | Promise<void>,
): Promise<void> {
  const input = createReadStream(file);
  const decoded = input.pipe(toUtf8Stream(encoding));
  let readError: unknown;
  input.once('error', (err) => {
    readError = err;
    decoded.destroy(err);
  });
  try {
    for await (const batch of csvBatches(decoded, batchSize, layout)) await take(batch);
  } catch (err) {
    throw readError !== undefined ? cannotRead(shownAs, readError) : err;
  } finally {
    input.destroy(); // already ended, unless `take` threw
    decoded.destroy();
  }
}

function cannotRead(path: string, err: unknown): ImportError {
  return new ImportError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
}
