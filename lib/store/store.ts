/**
 * `openStore(path)`: one SQLite file, opened the same way by every entry point.
 *
 * Promises: WAL journal, a busy timeout so several processes can share the file, foreign keys on, the schema
 * brought up to date by `PRAGMA user_version` inside one transaction, and a clear error (never a half-migrated file)
 * when the path is not a SQLite database or was written by a newer leadflow.
 *
 * The file is only ever read or written through SQLite. Closing any descriptor of a file drops every POSIX lock this
 * process holds on it (sqlite.org/howtocorrupt.html §2.2), so a plain open/close beside a live connection lets
 * another process delete the WAL under it and lose committed writes. Several connections in one process are safe:
 * SQLite's own unix VFS shares their locks.
 */
import { LeadflowError } from '../errors';
import { mkdirSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveDriver, type DriverName, type SqlArrayStatement, type SqlDatabase, type SqlStatement, type SqlValue } from './driver';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { defaultStorePath, isPostgresLocation } from './location';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DbUsageError, type Db } from './db';

/**
 * The SQLite store: its synchronous API (what the pipeline's hot loops use) and, being a `Db`, the asynchronous one
 * that PostgreSQL serves too (db.ts).
 */
export interface Store extends Db {
  readonly dialect: 'sqlite';
  readonly path: string;
  readonly driver: DriverName;
  /** A prepared statement, made once per store and reused. */
  stmt(sql: string): SqlStatement;
  /** The same, with rows as arrays of cells in column order: what the typed row mappers read (rowMapper.ts). */
  rows(sql: string): SqlArrayStatement;
  /** Run `fn` in a `BEGIN IMMEDIATE` transaction (nested calls become savepoints). Rolls back on throw. */
  tx<T>(fn: () => T): T;
  /**
   * Run `fn`, which only reads, on one snapshot of the store (a deferred transaction, or the transaction already
   * open): several reads that must agree, without the write lock — writers in other processes go on meanwhile.
   */
  snapshot<T>(fn: () => T): T;
  exec(sql: string): void;
  close(): void;
}

/** `config`: the store's location comes from settings (--db, LEADFLOW_DB, a node's Store Path), not from a request. */
export class StoreError extends LeadflowError {
  constructor(message: string) {
    super('config', message);
    this.name = 'StoreError';
  }
}

export interface OpenStoreOptions {
  /** How long to wait for another process's write lock before SQLITE_BUSY (ms). */
  busyTimeoutMs?: number;
  /** false for readers: a missing file is an error, and no folder or file is created. Default true. */
  create?: boolean;
}

export function openStore(path: string = defaultStorePath(), options: OpenStoreOptions = {}): Store {
  if (isPostgresLocation(path)) {
    // Never a file named after a URL: what reaches here works on SQLite only so far (openDb takes either).
    throw new StoreError(`this part of leadflow works on a SQLite store for now, and ${path.replace(/:[^:@/]*@/, ':***@')} is PostgreSQL: see "Running in n8n queue mode" in the README for what runs on it`);
  }
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') {
    assertFileOrAbsent(file, options.create ?? true);
    mkdirSync(dirname(file), { recursive: true });
  }
  const { name, open } = resolveDriver();
  let db: SqlDatabase;
  try {
    db = open(file);
  } catch (err) {
    throw new StoreError(`cannot open the store at ${file}: ${(err as Error).message}`);
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
    assertSqliteHeader(db, file);
    if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    // Off while migrating (a migration may rebuild a table others reference; the pragma is a no-op inside a
    // transaction), checked before the migration commits, on for everything after.
    db.exec('PRAGMA foreign_keys = OFF');
    migrate(db, file);
    db.exec('PRAGMA foreign_keys = ON');
  } catch (err) {
    db.close();
    throw err instanceof StoreError ? err : new StoreError(`cannot open the store at ${file}: ${(err as Error).message}`);
  }
  return makeStore(db, file, name);
}

/** Only stat the path (no descriptor is opened: see the header comment). */
function assertFileOrAbsent(file: string, create: boolean): void {
  if (!existsSync(file)) {
    if (create) return;
    throw new StoreError(`there is no leadflow store at ${file} (nothing was created): check the path, or create one by importing or running`);
  }
  if (statSync(file).isDirectory()) throw new StoreError(`${file} is a directory, not a store file: pass a file path`);
}

/**
 * SQLite reads the header at the first statement that needs the schema; a file that is not a database fails there
 * with SQLITE_NOTADB, before anything is written (journal_mode = WAL comes after this).
 */
function assertSqliteHeader(db: SqlDatabase, file: string): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    const e = err as { code?: string; errcode?: number; message?: string };
    if (e.code === 'SQLITE_NOTADB' || e.errcode === 26 || /file is not a database/i.test(e.message ?? '')) {
      throw new StoreError(`${file} is not a SQLite database; leadflow left it untouched. Pass another --db path.`);
    }
    throw err;
  }
}

function migrate(db: SqlDatabase, file: string): void {
  const current = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
  if (current > SCHEMA_VERSION) {
    throw new StoreError(
      `the store at ${file} has schema version ${current}, written by a newer leadflow; this version knows up to ` +
        `${SCHEMA_VERSION}. Upgrade n8n-nodes-leadflow (the file was left as it was).`,
    );
  }
  if (current === SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    // Re-read under the write lock: another process may have migrated while we waited.
    const locked = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
    const brokenBefore = db.prepare('PRAGMA foreign_key_check').all().length;
    for (let v = locked; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    const broken = db.prepare('PRAGMA foreign_key_check').all().length - brokenBefore;
    if (broken > 0) throw new StoreError(`migrating the store at ${file} would break ${broken} reference(s); the file was left as it was`);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * The open asynchronous transaction on a store file in this process, if any. Its `fn` awaits, and meanwhile other
 * tasks of this process may run (a `Promise.all`, the concurrent lanes of a live drain): their work must neither slip
 * into the transaction nor block on it. The transaction's own calls carry its token (AsyncLocalStorage); other tasks'
 * asynchronous calls wait for it to end, on this connection or any other this process has on the file (one waiting
 * synchronously in SQLite's busy handler would stall the very transaction it waits for); a synchronous transaction
 * from another task is refused, loudly, for the same reason.
 */
interface OpenAsync {
  token: object;
  done: Promise<void>;
}
const asyncTx = new AsyncLocalStorage<object>();
const openAsync = new Map<string, OpenAsync>();

function makeStore(db: SqlDatabase, path: string, driver: DriverName): Store {
  const statements = new Map<string, SqlStatement>();
  const arrayStatements = new Map<string, SqlArrayStatement>();
  let depth = 0;
  let closed = false;
  // ':memory:' databases are one per connection; a file is shared by every connection to it.
  const key = path === ':memory:' ? {} : path;
  const current = () => (typeof key === 'string' ? openAsync.get(key) : memoryOpen);
  let memoryOpen: OpenAsync | undefined;
  const setOpen = (o: OpenAsync | undefined) => {
    if (typeof key !== 'string') memoryOpen = o;
    else if (o) openAsync.set(key, o);
    else openAsync.delete(key);
  };
  const outside = () => {
    const open = current();
    return open !== undefined && asyncTx.getStore() !== open.token;
  };
  const refuseOutside = () => {
    if (outside()) throw new DbUsageError('a synchronous transaction began while another task\'s asynchronous transaction on this store file was open in this process');
  };
  const arrays = (sql: string): SqlArrayStatement => {
    let s = arrayStatements.get(sql);
    if (!s) {
      s = db.prepareArrays(sql);
      arrayStatements.set(sql, s);
    }
    return s;
  };
  // Waiting for another task's transaction is `while (outside()) await current()!.done;` written where the statement
  // runs: the check and the statement after it must share one synchronous stretch (a helper's own await would let a
  // third task take the turn in between).
  const store: Store = {
    dialect: 'sqlite',
    location: path,
    path,
    driver,
    async all(sql, params = []) {
      while (outside()) await current()!.done;
      return arrays(sql).all(...params);
    },
    async get(sql, params = []) {
      while (outside()) await current()!.done;
      return arrays(sql).get(...params);
    },
    async run(sql, params = []) {
      while (outside()) await current()!.done;
      return Number(store.stmt(sql).run(...params).changes);
    },
    async transaction(fn) {
      if (current() && !outside() && depth > 0) {
        // Nested in this task's own transaction: a savepoint.
        const savepoint = `sp${depth}`;
        db.exec(`SAVEPOINT ${savepoint}`);
        depth++;
        try {
          const result = await fn(store);
          db.exec(`RELEASE ${savepoint}`);
          return result;
        } catch (err) {
          db.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
          throw err;
        } finally {
          depth--;
        }
      }
      while (outside()) await current()!.done;
      if (depth > 0) throw new DbUsageError('an asynchronous transaction cannot begin inside a synchronous one (it would outlive it)');
      let end!: () => void;
      const token = {};
      db.exec('BEGIN IMMEDIATE');
      setOpen({ token, done: new Promise<void>((resolve) => (end = resolve)) });
      depth++;
      try {
        const result = await asyncTx.run(token, () => fn(store));
        db.exec('COMMIT');
        return result;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      } finally {
        depth--;
        setOpen(undefined);
        end();
      }
    },
    async lock() {
      // BEGIN IMMEDIATE holds the file's one write lock: every other writer already waits.
      if (depth === 0 || outside()) throw new DbUsageError('lock() holds to the end of a transaction: call it inside store.transaction');
    },
    stmt(sql) {
      let s = statements.get(sql);
      if (!s) {
        s = db.prepare(sql);
        statements.set(sql, s);
      }
      return s;
    },
    rows(sql) {
      return arrays(sql);
    },
    tx(fn) {
      refuseOutside();
      const savepoint = `sp${depth}`;
      db.exec(depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
      depth++;
      try {
        const result = fn();
        depth--;
        db.exec(depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
        return result;
      } catch (err) {
        depth--;
        db.exec(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
        throw err;
      }
    },
    snapshot(fn) {
      refuseOutside();
      if (depth > 0) return fn();
      db.exec('BEGIN');
      depth++;
      try {
        return fn();
      } finally {
        depth--;
        db.exec('COMMIT');
      }
    },
    exec: (sql) => db.exec(sql),
    close() {
      if (closed) return;
      closed = true;
      statements.clear();
      arrayStatements.clear();
      // Keeps the planner's statistics fresh for the next opener; cheap when nothing changed.
      try {
        db.exec('PRAGMA optimize');
      } catch {
        // a read-only or busy store can skip it
      }
      db.close();
    },
  };
  return store;
}

export type { SqlValue };

/**
 * A number that changes whenever another connection (another process, or another store opened on the same file)
 * commits a change to the store: `PRAGMA data_version`. Cheap — no read of any table — so a page can ask it every
 * second and push fresh figures only when something changed.
 */
export function dataVersion(store: Store): number {
  const row = store.rows('PRAGMA data_version').get();
  return row ? Number(row[0]) : 0;
}
