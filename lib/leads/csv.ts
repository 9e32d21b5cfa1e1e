/**
 * CSV in, one record per data row out, keyed by the header row — from text (parseCsv) or from a stream, a batch of
 * records at a time (csvBatches), with the same options and the same errors. A file that does not parse cleanly is
 * refused with the line and a hint, rather than imported with rows shifted into the wrong columns.
 */

import { LeadflowError } from '../errors';
import type { Readable } from 'node:stream';
import { CsvError, parse as parseStream, type Options } from 'csv-parse';
// The sync entry is a bundle of its own, with its own CsvError class.
import { CsvError as SyncCsvError, parse } from 'csv-parse/sync';

const HINTS: Record<string, string> = {
  CSV_RECORD_INCONSISTENT_COLUMNS: 'every row needs as many cells as the header; quote cells that contain commas',
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed; check for a missing double quote',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a quoted cell must be doubled ("")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote; quote the whole cell',
};

/** The input is not well-formed CSV; the message names the line and what to fix. */
export class CsvFormatError extends LeadflowError {
  constructor(message: string, options?: ErrorOptions) {
    super('input', message, options);
    this.name = 'CsvFormatError';
  }
}

const OPTIONS = {
  bom: true,
  columns: checkedHeader,
  trim: true,
  skip_empty_lines: true,
  relax_column_count: false,
} satisfies Options;

export function parseCsv(text: string): Record<string, string>[] {
  try {
    return parse(text, OPTIONS) as Record<string, string>[];
  } catch (error) {
    throw explained(error);
  }
}

/**
 * The records of a CSV stream in batches of `size` (the last may be shorter). Only one batch is held at a time, and
 * the next is not read until the caller asks for it, so memory stays flat in the size of the input. A malformed
 * row throws a CsvFormatError, as parseCsv does, after the batches before it were yielded; a read error is thrown as
 * it is.
 */
export async function* csvBatches(input: Readable, size: number): AsyncGenerator<Record<string, string>[]> {
  const parser = input.pipe(parseStream(OPTIONS));
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
    throw explained(error);
  } finally {
    input.unpipe(parser);
    parser.destroy();
  }
  if (batch.length) yield batch;
}

function explained(error: unknown): unknown {
  if (error instanceof CsvError || error instanceof SyncCsvError) {
    const hint = HINTS[error.code] ?? 'check the file is comma-separated with one header row';
    const line = typeof error.lines === 'number' ? `line ${error.lines}` : 'an unknown line';
    return new CsvFormatError(`CSV is malformed at ${line}: ${error.message} (${hint})`, { cause: error });
  }
  return error;
}

// csv-parse keeps the last of two same-named columns without a word; an empty name would become the key "".
function checkedHeader(header: string[]): string[] {
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name === '') throw new CsvFormatError(`CSV is malformed at line 1: column ${index + 1} of the header has no name`);
    if (seen.has(name)) throw new CsvFormatError(`CSV is malformed at line 1: the header names "${name}" twice; rename one`);
    seen.add(name);
  });
  return header;
}
