/**
 * Typed row mappers: how a table's row becomes a typed object, declared once per table, with no hand casts.
 *
 * A mapper names its columns in order and reads a row as an array of cells in that order (`store.rows(sql)`:
 * better-sqlite3's raw mode, node:sqlite's return-arrays mode). Each cell goes through a checked reader — a text
 * column that holds a number is a bug, and it says so with the column's name instead of flowing on as the wrong
 * type. Reading arrays is also the fast way to read: better-sqlite3 builds an array of 19 cells 2–3× faster than an
 * object with 19 keys (10,000 lead rows: ~25 ms against ~70 ms), and the nodes read their items' rows back.
 *
 * A joined query selects several mappers' columns side by side (`LEADS.select('l')`, then `MESSAGES.select('m')`) and
 * reads each part at its offset (`LEADS.at(cells, 0)`, `MESSAGES.at(cells, LEADS.width)`).
 */
import { LeadflowError } from '../errors';
import type { SqlValue } from './driver';

export type Cells = readonly SqlValue[];

/** Reads one cell; `column` names it when the cell is not what the schema promises. */
type Reader<T> = (cell: SqlValue, column: string) => T;

function wrongCell(column: string, wanted: string, cell: SqlValue): LeadflowError {
  return new LeadflowError('internal', `the store's ${column} column holds ${cell === null ? 'NULL' : typeof cell}, not ${wanted}: the file was changed outside leadflow`);
}

export const int: Reader<number> = (cell, column) => {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'bigint') return Number(cell);
  throw wrongCell(column, 'an integer', cell);
};

/** A REAL column (a score, a ratio): any number. */
export const real: Reader<number> = (cell, column) => {
  if (typeof cell === 'number') return cell;
  throw wrongCell(column, 'a number', cell);
};

export const text: Reader<string> = (cell, column) => {
  if (typeof cell === 'string') return cell;
  throw wrongCell(column, 'text', cell);
};

export const textOrNull: Reader<string | null> = (cell, column) => (cell === null ? null : text(cell, column));

export const intOrNull: Reader<number | null> = (cell, column) => (cell === null ? null : int(cell, column));

/** SQLite's 0/1 flag. */
export const flag: Reader<boolean> = (cell, column) => int(cell, column) === 1;

/** Text that must be one of a closed set (a status, a channel): anything else is a bug, named. */
export function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  const allowed = new Set<string>(values);
  return (cell, column) => {
    const v = text(cell, column);
    if (!allowed.has(v)) throw new LeadflowError('internal', `the store's ${column} column holds "${v}", not one of ${values.join(', ')}`);
    return v as T;
  };
}

/**
 * A JSON text column, parsed here — the one place its JSON is read back. Its shape `T` is the one its writer stored
 * (leadflow writes these columns from typed values, and validates what it takes from outside before storing it);
 * text that is not JSON is a bug, named like any other wrong cell.
 */
export function jsonOf<T>(): Reader<T> {
  return (cell, column) => {
    const raw = text(cell, column);
    try {
      return JSON.parse(raw) as T;
    } catch {
      throw new LeadflowError('internal', `the store's ${column} column holds text that is not JSON: the file was changed outside leadflow`);
    }
  };
}

/** Column name → how to read it into the field of that name. */
type Fields<T> = { [K in keyof T]: readonly [column: string, read: Reader<T[K]>] };

export interface RowMapper<T> {
  /** The column list for a SELECT, in the mapper's order: `id, email, …`. */
  readonly columns: string;
  /** How many cells a row of this mapper takes. */
  readonly width: number;
  /** The column list with a table alias, for joins: `l.id, l.email, …`. */
  select(alias: string): string;
  /** A row of exactly these columns. */
  from(cells: Cells): T;
  /** This mapper's part of a wider row, starting at `offset`. */
  at(cells: Cells, offset: number): T;
}

/**
 * A mapper from `{ field: [column, reader] }`, in the order the fields are listed. Every field of `T` must be
 * there (the type says so), and each is read with its own checked reader.
 */
export function rowMapper<T>(fields: Fields<T>): RowMapper<T> {
  const entries = Object.entries(fields) as [keyof T & string, readonly [string, Reader<unknown>]][];
  const names = entries.map(([, [column]]) => column);
  const at = compileReader<T>(entries);
  return {
    columns: names.join(', '),
    width: names.length,
    select: (alias) => names.map((c) => `${alias}.${c}`).join(', '),
    from: (cells) => at(cells, 0),
    at,
  };
}

/**
 * The mapper's reading function, as one object literal: `{ id: r0(c[o], "id"), email: r1(c[o + 1], "email"), … }`.
 * Built once per table when the module loads, from the constant field list above — never from data. A literal
 * gives every row the same shape from the start; filling `{}` field by field in a loop cost ~20% more per row on
 * the reads the n8n nodes make for their items (10,000 lead rows: ~36 ms filled field by field, ~28 ms as a literal).
 */
function compileReader<T>(entries: readonly [string, readonly [string, Reader<unknown>]][]): (cells: Cells, offset: number) => T {
  const body = entries.map(([field, [column]], i) => `${JSON.stringify(field)}: r${i}(c[o + ${i}], ${JSON.stringify(column)})`).join(', ');
  const make = new Function(...entries.map((_, i) => `r${i}`), `return (c, o) => ({ ${body} });`) as (...readers: Reader<unknown>[]) => (cells: Cells, offset: number) => T;
  return make(...entries.map(([, [, read]]) => read));
}
