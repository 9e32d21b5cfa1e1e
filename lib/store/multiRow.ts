/**
 * Multi-row INSERTs: one statement for up to MULTI_ROW_CHUNK rows instead of one per row, which is where a batch
 * stage spends its time once the SQL work itself is cheap. Rows go in in the order given, so row ids come out the
 * same as with one INSERT per row. The statement text for each chunk length is built once and prepared once per store.
 */
import type { Store, SqlValue } from './store';
import type { Db } from './db';

/** Rows per statement: 64 rows × ≤ 19 columns stays far below SQLite's 32,766 bound parameters. */
export const MULTI_ROW_CHUNK = 64;

export interface MultiRowInsert {
  /** `INSERT INTO t (a, b, c)` — everything before VALUES. */
  head: string;
  /** One row's placeholders, e.g. `(?, ?, 'NEW', ?)`. */
  row: string;
  /** Anything after the VALUES list (ON CONFLICT …). */
  tail: string;
  /** Bound parameters per row (the `?` in `row`). */
  width: number;
}

const sqlByShape = new WeakMap<MultiRowInsert, Map<number, string>>();

function sqlFor(shape: MultiRowInsert, rows: number): string {
  let bySize = sqlByShape.get(shape);
  if (!bySize) sqlByShape.set(shape, (bySize = new Map()));
  let sql = bySize.get(rows);
  if (!sql) {
    sql = `${shape.head} VALUES ${Array.from({ length: rows }, () => shape.row).join(', ')} ${shape.tail}`;
    bySize.set(rows, sql);
  }
  return sql;
}

/**
 * `insertRows` on either database, giving back what the statement's tail returns (`RETURNING …`), chunk after chunk.
 * Call inside a transaction.
 */
export async function insertRowsOn(db: Db, shape: MultiRowInsert, params: SqlValue[]): Promise<SqlValue[][]> {
  const total = params.length / shape.width;
  if (!Number.isInteger(total)) throw new Error(`insertRowsOn: ${params.length} values do not make rows of ${shape.width}`);
  const out: SqlValue[][] = [];
  for (let first = 0; first < total; first += MULTI_ROW_CHUNK) {
    const rows = Math.min(MULTI_ROW_CHUNK, total - first);
    for (const r of await db.all(sqlFor(shape, rows), params.slice(first * shape.width, (first + rows) * shape.width))) out.push(r);
  }
  return out;
}

/** Insert `params` (row after row, `shape.width` values each) in chunks. Call inside `store.tx`. */
export function insertRows(store: Store, shape: MultiRowInsert, params: SqlValue[]): void {
  const total = params.length / shape.width;
  if (!Number.isInteger(total)) throw new Error(`insertRows: ${params.length} values do not make rows of ${shape.width}`);
  for (let first = 0; first < total; first += MULTI_ROW_CHUNK) {
    const rows = Math.min(MULTI_ROW_CHUNK, total - first);
    const chunk = params.slice(first * shape.width, (first + rows) * shape.width);
    store.stmt(sqlFor(shape, rows)).run(...chunk);
  }
}
