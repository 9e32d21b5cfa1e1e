/**
 * CSV in, one record per data row out, keyed by the header row — from text (parseCsv) or from a stream, a batch of
 * records at a time (csvBatches), with the same options and the same errors. The layout (delimiter, the line the
 * header is on: csvLayout.ts) is found first; a line break inside a quoted cell (Alt+Enter in Excel) is folded to a
 * space. A file that does not parse cleanly is refused with the line and a hint, rather than imported with rows
 * shifted into the wrong columns.
 */

import { LeadflowError } from '../errors';
import type { Readable } from 'node:stream';
import { CsvError, parse as parseStream, type OptionsWithColumns } from 'csv-parse';
// The sync entry is a bundle of its own, with its own CsvError class.
import { CsvError as SyncCsvError, parse } from 'csv-parse/sync';
import type { FieldMapping } from './columns';
import { DELIMITER_NAMES, detectLayout, type CsvLayout } from './csvLayout';

/** Characters of CSV text its layout is read from. */
const LAYOUT_SNIFF_CHARS = 64 * 1024;

const HINTS: Record<string, (layout: CsvLayout) => string> = {
  CSV_RECORD_INCONSISTENT_COLUMNS: (l) => `every row needs as many cells as the header; quote cells that contain ${DELIMITER_NAMES[l.delimiter]}s`,
  CSV_QUOTE_NOT_CLOSED: () => 'a quoted cell is never closed; check for a missing double quote',
  CSV_INVALID_CLOSING_QUOTE: () => 'a quote inside a quoted cell must be doubled ("")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: () => 'text follows a closing quote; quote the whole cell',
};

/** The input is not well-formed CSV; the message names the line and what to fix. */
export class CsvFormatError extends LeadflowError {
  constructor(message: string, options?: ErrorOptions) {
    super('input', message, options);
    this.name = 'CsvFormatError';
  }
}

type CsvRecord = Record<string, string>;

function options(layout: CsvLayout): OptionsWithColumns<CsvRecord> {
  return {
    bom: true,
    columns: (header: string[]) => checkedHeader(header, layout.headerLine),
    delimiter: layout.delimiter,
    from_line: layout.headerLine,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: false,
    on_record: foldLineBreaks,
  };
}

/** The layout of CSV text, read from its beginning. */
export function csvTextLayout(text: string, mapping?: FieldMapping): CsvLayout {
  return detectLayout(text.slice(0, LAYOUT_SNIFF_CHARS), text.length <= LAYOUT_SNIFF_CHARS, mapping);
}

/** CSV text as records, laid out as `layout` says (by default as its beginning shows: see the header). */
export function parseCsv(text: string, layout: CsvLayout = csvTextLayout(text)): Record<string, string>[] {
  try {
    return parse<CsvRecord>(text, options(layout));
  } catch (error) {
    throw explained(error, layout);
  }
}

/**
 * The records of a CSV stream (UTF-8 bytes or text) laid out as `layout` says, in batches of `size` (the last may
 * be shorter). Only one batch is held at a time, and the next is not read until the caller asks for it, so memory
 * stays flat in the size of the input. A malformed row throws a CsvFormatError, as parseCsv does, after the batches
 * before it were yielded; a read error is thrown as it is.
 */
export async function* csvBatches(input: Readable, size: number, layout: CsvLayout): AsyncGenerator<Record<string, string>[]> {
  const parser = input.pipe(parseStream(options(layout)));
  // pipe() does not forward a read error; without this the parser would wait for more input for ever.
  input.once('error', (err) => parser.destroy(err));
  let batch: Record<string, string>[] = [];
  try {
    for await (const record of parser) {
      batch.push(record as Record<string, string>);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    throw explained(error, layout);
  } finally {
    input.unpipe(parser);
    parser.destroy();
  }
  if (batch.length) yield batch;
}

// A spreadsheet cell's own line breaks are layout, not content: one line reads the same in an email and a report.
function foldLineBreaks(record: Record<string, string>): Record<string, string> {
  for (const key in record) {
    const value = record[key];
    if (value.includes('\n') || value.includes('\r')) record[key] = value.replace(/\s*[\r\n]+\s*/g, ' ');
  }
  return record;
}

function explained(error: unknown, layout: CsvLayout): unknown {
  if (error instanceof CsvError || error instanceof SyncCsvError) {
    const hint =
      HINTS[error.code]?.(layout) ??
      `check the file is ${DELIMITER_NAMES[layout.delimiter]}-separated with its header row on line ${layout.headerLine}`;
    const line = typeof error.lines === 'number' ? `line ${error.lines}` : 'an unknown line';
    return new CsvFormatError(`CSV is malformed at ${line}: ${error.message} (${hint})`, { cause: error });
  }
  return error;
}

// csv-parse keeps the last of two same-named columns without a word; an empty name would become the key "".
function checkedHeader(header: string[], line: number): string[] {
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name === '') throw new CsvFormatError(`CSV is malformed at line ${line}: column ${index + 1} of the header has no name`);
    if (seen.has(name)) throw new CsvFormatError(`CSV is malformed at line ${line}: the header names "${name}" twice; rename one`);
    seen.add(name);
  });
  return header;
}
