/**
 * CSV text in, one record per data row out, keyed by the header row. A file that does not parse cleanly is refused
 * whole, with the line and a hint, rather than imported with rows shifted into the wrong columns.
 */

import { CsvError, parse } from 'csv-parse/sync';

const HINTS: Record<string, string> = {
  CSV_RECORD_INCONSISTENT_COLUMNS: 'every row needs as many cells as the header; quote cells that contain commas',
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed; check for a missing double quote',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a quoted cell must be doubled ("")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote; quote the whole cell',
};

export function parseCsv(text: string): Record<string, string>[] {
  try {
    return parse(text, {
      bom: true,
      columns: checkedHeader,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as Record<string, string>[];
  } catch (error) {
    if (error instanceof CsvError) {
      const hint = HINTS[error.code] ?? 'check the file is comma-separated with one header row';
      const line = typeof error.lines === 'number' ? `line ${error.lines}` : 'an unknown line';
      throw new Error(`CSV is malformed at ${line}: ${error.message} (${hint})`, { cause: error });
    }
    throw error;
  }
}

// csv-parse keeps the last of two same-named columns without a word; an empty name would become the key "".
function checkedHeader(header: string[]): string[] {
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name === '') throw new Error(`CSV is malformed at line 1: column ${index + 1} of the header has no name`);
    if (seen.has(name)) throw new Error(`CSV is malformed at line 1: the header names "${name}" twice; rename one`);
    seen.add(name);
  });
  return header;
}
