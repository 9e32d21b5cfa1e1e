/**
 * `Db`: the asynchronous face of the store, the one both databases serve — the embedded SQLite file (every
 * `Store` is a `Db`) and PostgreSQL (`openPgStore`, for n8n queue mode: workers on several hosts sharing one store).
 *
 * Code written against `Db` runs on either. Its SQL is the common ground of the two: `?` placeholders (numbered for
 * PostgreSQL here), `ON CONFLICT`, `RETURNING`, ISO-8601 text times compared as text, 0/1 flags, and the few
 * fragments that differ asked of `dialect` (`inValues`, `skipLocked`, `greatest`).
 *
 * Transactions: `transaction(fn)` hands `fn` its own `Db`; everything inside uses it. SQLite's is `BEGIN IMMEDIATE`
 * (the one write lock of the file, so a read-then-write holds across processes); PostgreSQL's is a READ COMMITTED
 * transaction on one pooled connection, where what must hold across hosts takes `lock(key)` (an advisory lock to the
 * end of the transaction) or claims rows with `FOR UPDATE SKIP LOCKED`. A nested call is a savepoint.
 */
import type { SqlValue } from './driver';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly dialect: Dialect;
  /** Where the store is, for messages: a file path, or a PostgreSQL URL without its password. */
  readonly location: string;
  /** Every row, each an array of cells in the SELECT's column order (what the row mappers read). */
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlValue[][]>;
  /** The first row, or undefined. */
  get(sql: string, params?: readonly SqlValue[]): Promise<SqlValue[] | undefined>;
  /** Run a write; how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Run `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: wait until no other transaction anywhere holds `key`, then hold it to this one's end —
   * what makes a read-then-write (a mailbox's budget, the LLM's) hold across hosts. SQLite's write lock already
   * serialises every writer of the file, so there it returns at once.
   */
  lock(key: string): Promise<void>;
}

/** Thrown by `Db` helpers used outside their rules (a programming error, never the user's input). */
export class DbUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DbUsageError';
  }
}

/**
 * A list handed as one parameter (its JSON), so a statement's text does not change with the list's length: after
 * `IN` (`id IN ${inValues(db, 'int')}`), or as a table of one column, `value`, to join against
 * (`FROM ${inValues(db, 'int')} j LEFT JOIN leads l ON l.id = j.value`). Pass `JSON.stringify(values)`.
 */
export function inValues(db: Pick<Db, 'dialect'>, type: 'int' | 'text'): string {
  if (db.dialect === 'sqlite') return '(SELECT value FROM json_each(?))';
  return type === 'int' ? '(SELECT value::integer AS value FROM jsonb_array_elements_text(?::jsonb))' : '(SELECT value FROM jsonb_array_elements_text(?::jsonb))';
}

/**
 * The suffix of a claim's inner SELECT: PostgreSQL locks the rows it picks and passes over rows another worker has
 * locked, so two workers never claim one row and neither waits for the other. SQLite needs none (its write lock
 * admits one claimer at a time).
 */
export function skipLocked(db: Pick<Db, 'dialect'>): string {
  return db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
}

/** The larger of two values (`max(a, b)` in SQLite, `greatest(a, b)` in PostgreSQL). */
export function greatest(db: Pick<Db, 'dialect'>, a: string, b: string): string {
  return `${db.dialect === 'sqlite' ? 'max' : 'greatest'}(${a}, ${b})`;
}

/**
 * `?` placeholders as `$1, $2, …` (PostgreSQL's), outside string literals, quoted identifiers and comments. Cached:
 * the statements are a fixed set.
 */
const numbered = new Map<string, string>();
export function numberPlaceholders(sql: string): string {
  let out = numbered.get(sql);
  if (out !== undefined) return out;
  let n = 0;
  out = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\?/g, (m) => (m === '?' ? `$${++n}` : m));
  numbered.set(sql, out);
  return out;
}
