/**
 * How a lead file is laid out, read from its first chunk: which delimiter separates its cells (comma; semicolon, as
 * Excel writes CSV where the comma is the decimal mark; tab, as in Excel's "Unicode Text"), and on which line its
 * header row starts — LinkedIn's Connections.csv opens with a "Notes:" preamble, other tools with a title or an
 * Excel "sep=;" line. The header is the row that names the most columns the importer reads (columns.ts), among the
 * first rows; the delimiter is the one under which that row names the most.
 */
import { parse, type Info } from 'csv-parse/sync';
import { recognizedColumns, type FieldMapping } from './columns';

export type Delimiter = ',' | ';' | '\t';

export interface CsvLayout {
  delimiter: Delimiter;
  /** The 1-based line the header row is on; the lines above it are a preamble, skipped. */
  headerLine: number;
}

/** How delimiters are named to a person. */
export const DELIMITER_NAMES = { ',': 'comma', ';': 'semicolon', '\t': 'tab' } as const satisfies Record<Delimiter, string>;

export const DEFAULT_LAYOUT: CsvLayout = { delimiter: ',', headerLine: 1 };

const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];
/** Rows looked at for the header: a preamble is a few lines, never dozens. */
const HEADER_SEARCH_ROWS = 30;
const SEP_LINE = /^sep=([,;\t])[ \t]*(?:\r\n|\n|\r)/i;

interface Candidate {
  delimiter: Delimiter;
  headerLine: number;
  /** Cells of the header row the importer reads. */
  recognized: number;
  cells: number;
  /** Whether the rows after the header have as many cells as it does. */
  consistent: boolean;
}

/**
 * The layout of CSV text from its beginning (`head`; `complete` when it is the whole text). Text none of whose first
 * rows names a column the importer reads is taken as a header on line 1, with the delimiter that splits its rows
 * evenly into more than one cell (comma when none does): the rows then say what is missing.
 */
export function detectLayout(head: string, complete: boolean, mapping: FieldMapping = {}): CsvLayout {
  const sep = SEP_LINE.exec(head.replace(/^\uFEFF/, ''));
  if (sep) {
    const delimiter = sep[1] as Delimiter;
    const after = candidateFor(head.replace(/^\uFEFF/, '').slice(sep[0].length), complete, delimiter, mapping);
    return { delimiter, headerLine: 1 + (after && after.recognized > 0 ? after.headerLine : 1) };
  }
  const candidates = DELIMITERS.map((d) => candidateFor(head, complete, d, mapping)).filter((c) => c !== undefined);
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!best || c.recognized > best.recognized || (c.recognized === best.recognized && c.cells > best.cells && c.consistent)) best = c;
  }
  if (best && best.recognized > 0) return { delimiter: best.delimiter, headerLine: best.headerLine };
  const even = candidates.find((c) => c.cells > 1 && c.consistent);
  return { delimiter: even?.delimiter ?? ',', headerLine: 1 };
}

function candidateFor(head: string, complete: boolean, delimiter: Delimiter, mapping: FieldMapping): Candidate | undefined {
  const rows = firstRows(head, complete, delimiter);
  if (rows.length === 0) return undefined;
  let at = 0;
  let recognized = -1;
  rows.forEach((row, i) => {
    const n = recognizedColumns(row.record, mapping);
    if (n > recognized) {
      recognized = n;
      at = i;
    }
  });
  const cells = rows[at].record.length;
  return {
    delimiter,
    // The line the row ends on, less the line breaks inside its quoted cells.
    headerLine: at === 0 ? 1 : rows[at].info.lines - rows[at].record.join('').split(/\r\n|\r|\n/).length + 1,
    recognized,
    cells,
    consistent: rows.slice(at + 1).every((r) => r.record.length === cells),
  };
}

/** The first rows of the text, leniently: a preamble may have any number of cells, and a chunk may end mid-row. */
function firstRows(head: string, complete: boolean, delimiter: Delimiter): { record: string[]; info: Info }[] {
  // An incomplete chunk is cut at its last line break; a quoted cell may still straddle it, and then the cut-off
  // row is dropped rather than read wrong.
  let text = head;
  if (!complete) {
    const lastBreak = Math.max(head.lastIndexOf('\n'), head.lastIndexOf('\r'));
    text = lastBreak < 0 ? head : head.slice(0, lastBreak + 1);
  }
  const options = {
    bom: true,
    delimiter,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
    to: HEADER_SEARCH_ROWS,
  } as const;
  try {
    return parse(text, options) as unknown as { record: string[]; info: Info }[];
  } catch {
    // A quote left open by the cut: read up to the row before it.
    try {
      const lastRowBreak = text.lastIndexOf('\n', text.length - 2);
      return lastRowBreak < 0 ? [] : (parse(text.slice(0, lastRowBreak + 1), options) as unknown as { record: string[]; info: Info }[]);
    } catch {
      return [];
    }
  }
}
