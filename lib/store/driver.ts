/**
 * The driver seam: one small SQLite surface over two engines.
 *
 * better-sqlite3 is used when its native binary loads. n8n installs community packages with `--ignore-scripts`, so
 * there the binary is never built; on Node >= 22.13 the built-in `node:sqlite` takes over with no build step. When
 * neither loads, one error says how to fix the install. Everything above this file sees only `SqlDatabase`.
 */

import { LeadflowError } from '../errors';

export type SqlValue = string | number | bigint | null | Uint8Array;

export interface RunResult {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}

export interface SqlStatement {
  run(...params: SqlValue[]): RunResult;
  get(...params: SqlValue[]): Record<string, unknown> | undefined;
  all(...params: SqlValue[]): Record<string, unknown>[];
  iterate(...params: SqlValue[]): IterableIterator<Record<string, unknown>>;
}

/** A statement whose rows come back as arrays of cells, in the SELECT's column order (see rowMapper.ts). */
export interface SqlArrayStatement {
  get(...params: SqlValue[]): SqlValue[] | undefined;
  all(...params: SqlValue[]): SqlValue[][];
}

export type DriverName = 'better-sqlite3' | 'node:sqlite';

export interface SqlDatabase {
  readonly driver: DriverName;
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  prepareArrays(sql: string): SqlArrayStatement;
  close(): void;
}

/** Thrown when no SQLite engine can be loaded in this process; its message is the fix. */
export class NoSqliteDriverError extends LeadflowError {
  constructor(details: string[]) {
    super(
      'config',
      [
        'leadflow cannot open its SQLite store: no SQLite driver loads in this Node.js ' + process.version + '.',
        ...details.map((d) => '  - ' + d),
        'Fix it one of two ways:',
        '  1. build better-sqlite3 where the package is installed: `npm rebuild better-sqlite3` ' +
          '(in n8n: `cd ~/.n8n/nodes && npm rebuild better-sqlite3`, then restart n8n), or',
        "  2. run on Node.js >= 22.13, whose built-in 'node:sqlite' needs no build step (n8n 2.x ships with it).",
      ].join('\n'),
    );
    this.name = 'NoSqliteDriverError';
  }
}

type Opener = (path: string) => SqlDatabase;

function loadBetterSqlite3(): Opener {
  // The binding loads lazily in the constructor, so probe with an in-memory database to fail here, not later.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  new Database(':memory:').close();
  return (path) => {
    const db = new Database(path);
    return {
      driver: 'better-sqlite3',
      exec: (sql) => void db.exec(sql),
      prepare: (sql) => db.prepare(sql) as unknown as SqlStatement,
      prepareArrays: (sql) => {
        const statement = db.prepare(sql);
        // A write without RETURNING gives no rows (as node:sqlite's all() does); better-sqlite3 refuses raw() for it.
        if (!statement.reader) return { all: (...params) => (statement.run(...params), []), get: (...params) => void statement.run(...params) };
        return statement.raw(true) as unknown as SqlArrayStatement;
      },
      close: () => db.close(),
    };
  };
}

interface NodeSqliteModule {
  DatabaseSync: new (path: string) => {
    exec(sql: string): void;
    prepare(sql: string): NodeSqliteStatement;
    close(): void;
  };
}

interface NodeSqliteStatement extends SqlStatement {
  /** Node >= 22.16 / 24: rows as arrays. Older node:sqlite returns objects, whose values keep the column order. */
  setReturnArrays?(enabled: boolean): void;
}

function arraysOf(statement: NodeSqliteStatement): SqlArrayStatement {
  if (statement.setReturnArrays) {
    statement.setReturnArrays(true);
    return statement as unknown as SqlArrayStatement;
  }
  return {
    get: (...params) => {
      const row = statement.get(...params);
      return row && (Object.values(row) as SqlValue[]);
    },
    all: (...params) => statement.all(...params).map((row) => Object.values(row) as SqlValue[]),
  };
}

function loadNodeSqlite(): Opener {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DatabaseSync } = require('node:sqlite') as NodeSqliteModule;
  const probe = new DatabaseSync(':memory:');
  if (typeof probe.prepare('SELECT 1').iterate !== 'function') {
    probe.close();
    throw new Error('this node:sqlite has no StatementSync.iterate (needs Node.js >= 22.13)');
  }
  probe.close();
  return (path) => {
    const db = new DatabaseSync(path);
    return {
      driver: 'node:sqlite',
      exec: (sql) => db.exec(sql),
      prepare: (sql) => db.prepare(sql),
      prepareArrays: (sql) => arraysOf(db.prepare(sql)),
      close: () => db.close(),
    };
  };
}

const loaders: Record<DriverName, () => Opener> = {
  'better-sqlite3': loadBetterSqlite3,
  'node:sqlite': loadNodeSqlite,
};

let chosen: { name: DriverName; open: Opener } | undefined;

/**
 * Pick the engine once per process. `LEADFLOW_SQLITE_DRIVER` (better-sqlite3 | node:sqlite) forces one, which is
 * how the test suite runs the store tests on both.
 */
export function resolveDriver(): { name: DriverName; open: Opener } {
  if (chosen) return chosen;
  const forced = process.env.LEADFLOW_SQLITE_DRIVER as DriverName | undefined;
  if (forced && !(forced in loaders)) {
    throw new LeadflowError('config', `LEADFLOW_SQLITE_DRIVER=${forced} is not a driver: use better-sqlite3 or node:sqlite`);
  }
  const order: DriverName[] = forced ? [forced] : ['better-sqlite3', 'node:sqlite'];
  const failures: string[] = [];
  for (const name of order) {
    try {
      chosen = { name, open: loaders[name]() };
      return chosen;
    } catch (err) {
      failures.push(`${name}: ${firstLine(err)}`);
    }
  }
  throw new NoSqliteDriverError(failures);
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}
