/**
 * `openPgStore(url)`: the store in PostgreSQL, for teams whose n8n runs in queue mode — workers on several hosts,
 * one store. It lives in its own schema (`leadflow` unless the URL says `?schema=…`), so it can sit in the database
 * n8n itself uses, and it is brought up to date by version on open (schema.ts), once, however many workers start.
 *
 * It serves `Db` (lib/store/db.ts): the same statements as SQLite, over a pool of connections; a transaction holds
 * one of them from BEGIN to COMMIT.
 */
import { Client, Pool, types, type PoolClient, type PoolConfig } from 'pg';
import type { Db } from '../db';
import { DbUsageError, numberPlaceholders } from '../db';
import type { SqlValue } from '../driver';
import { StoreError } from '../store';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './schema';

export interface PgStore extends Db {
  readonly dialect: 'postgres';
  /** The schema the store's tables are in. */
  readonly schema: string;
  /** Ends every pooled connection. */
  close(): Promise<void>;
}

/** The URL as it may be shown: no password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Counts (`count(*)` is bigint) and sums (numeric) come back as numbers, as SQLite gives them; every id and count
 * here stays far below 2^53. Set per pool, not on pg's global parsers, which other code in n8n's process shares.
 */
const INT8 = 20;
const NUMERIC = 1700;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (value: string) => Number(value) : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
};

export interface OpenPgStoreOptions {
  /** Connections in the pool (default 5: a worker's sends are one transaction at a time). */
  maxConnections?: number;
  /** How long an unused connection stays open (pg's default: 10 s); it never keeps the process from exiting. */
  idleConnectionMs?: number;
}

/** A PostgreSQL store named field by field, as n8n's Leadflow Store credential holds it. */
export interface PgConnectionSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** The schema the store's tables go in (default leadflow). */
  schema?: string;
  /** disable: plain; require: TLS with the server's certificate checked; allow-self-signed: TLS, not checked. */
  ssl?: 'disable' | 'require' | 'allow-self-signed';
}

/** The store location as shown: a URL without the password, and the schema. */
function shownAs(c: PgConnectionSettings, schema: string): string {
  return `postgres://${encodeURIComponent(c.user)}@${c.host}:${c.port}/${encodeURIComponent(c.database)}?schema=${schema}`;
}

/** The pool settings of a store URL (`?schema=` taken out), or of a credential's fields; a bad one is a config error. */
function poolSettings(target: string | PgConnectionSettings): { schema: string; location: string; connection: PoolConfig } {
  if (typeof target !== 'string') {
    const schema = target.schema?.trim() || 'leadflow';
    const location = shownAs(target, schema);
    const ssl = target.ssl === 'require' ? { rejectUnauthorized: true } : target.ssl === 'allow-self-signed' ? { rejectUnauthorized: false } : false;
    return { schema, location, connection: { host: target.host, port: target.port, database: target.database, user: target.user, password: target.password, ssl } };
  }
  const location = redactUrl(target);
  let parsed: URL;
  try {
    parsed = new URL(target);
  } catch {
    throw new StoreError(`the store location ${location} is not a valid PostgreSQL URL (postgres://user:password@host:5432/database)`);
  }
  const schema = parsed.searchParams.get('schema') ?? 'leadflow';
  parsed.searchParams.delete('schema');
  return { schema, location, connection: { connectionString: parsed.toString() } };
}

export async function openPgStore(target: string | PgConnectionSettings, options: OpenPgStoreOptions = {}): Promise<PgStore> {
  const { schema, location, connection } = poolSettings(target);
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError(`schema ${schema} of ${location} is not a plain schema name: use lower-case letters, digits and _`);
  }
  const config: PoolConfig = {
    ...connection,
    max: options.maxConnections ?? 5,
    ...(options.idleConnectionMs === undefined ? {} : { idleTimeoutMillis: options.idleConnectionMs, allowExitOnIdle: true }),
    options: `-c search_path=${schema}`,
    types: pgTypes,
    application_name: 'leadflow',
  };
  const pool = new Pool(config);
  // An idle connection the server drops (a restart) must not crash the process: the pool replaces it.
  pool.on('error', () => {});
  try {
    await migrate(pool, schema, location);
  } catch (err) {
    await pool.end();
    if (err instanceof StoreError) throw err;
    throw new StoreError(`cannot open the store at ${location}: ${(err as Error).message}`);
  }
  return makePgStore(pool, schema, location);
}

async function migrate(pool: Pool, schema: string, location: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Workers starting together: one migrates, the others wait here and then find nothing left to do.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`leadflow:migrate:${schema}`]);
    // No DDL on a store already there: a login that may only read and write its tables opens it too.
    const known = await client.query<{ there: boolean }>('SELECT to_regclass($1) IS NOT NULL AS there', [`${schema}.schema_migrations`]);
    if (!known.rows[0].there) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)');
    }
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    if (current > PG_SCHEMA_VERSION) {
      throw new StoreError(
        `the store at ${location} (schema ${schema}) has version ${current}, written by a newer leadflow; this version knows up to ` +
          `${PG_SCHEMA_VERSION}. Upgrade n8n-nodes-leadflow on every worker (nothing was changed).`,
      );
    }
    for (let v = current; v < PG_SCHEMA_VERSION; v++) {
      await client.query(PG_MIGRATIONS[v]);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [v + 1, new Date().toISOString()]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

type Queryable = Pick<PoolClient, 'query'>;

async function rowsOf(q: Queryable, sql: string, params: readonly SqlValue[]): Promise<{ rows: SqlValue[][]; rowCount: number }> {
  const r = await q.query<SqlValue[]>({ text: numberPlaceholders(sql), values: params as unknown[], rowMode: 'array' });
  return { rows: r.rows, rowCount: r.rowCount ?? 0 };
}

function makePgStore(pool: Pool, schema: string, location: string): PgStore {
  let closed = false;
  const store: PgStore = {
    dialect: 'postgres',
    location,
    schema,
    all: async (sql, params = []) => (await rowsOf(pool, sql, params)).rows,
    get: async (sql, params = []) => (await rowsOf(pool, sql, params)).rows[0],
    run: async (sql, params = []) => (await rowsOf(pool, sql, params)).rowCount,
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        try {
          const result = await fn(inTransaction(client, schema, location));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => (broken = true));
          throw err;
        }
      } finally {
        client.release(broken);
      }
    },
    lock: () => Promise.reject(new DbUsageError('lock() holds to the end of a transaction: call it on the Db a transaction hands you')),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return store;
}

/** The `Db` a transaction hands its function: every statement on its one connection; nested calls are savepoints. */
function inTransaction(client: PoolClient, schema: string, location: string): Db {
  let depth = 0;
  const db: Db = {
    dialect: 'postgres',
    location,
    all: async (sql, params = []) => (await rowsOf(client, sql, params)).rows,
    get: async (sql, params = []) => (await rowsOf(client, sql, params)).rows[0],
    run: async (sql, params = []) => (await rowsOf(client, sql, params)).rowCount,
    async transaction(fn) {
      const savepoint = `sp${++depth}`;
      await client.query(`SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(db);
        await client.query(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (err) {
        await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw err;
      } finally {
        depth--;
      }
    },
    async lock(key) {
      // Keyed by schema too: two stores in one database do not wait for each other.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`leadflow:${schema}:${key}`]);
    },
  };
  return db;
}

/**
 * A real login to a PostgreSQL store's server, without opening the store: connect, authenticate, and see whether the
 * schema is there or this login may create it. Nothing is written. What the Leadflow Store credential's test runs.
 */
export async function checkPgLogin(c: PgConnectionSettings): Promise<{ ok: boolean; message: string }> {
  const { schema, connection } = poolSettings(c);
  const client = new Client({ ...connection, connectionTimeoutMillis: 10_000, application_name: 'leadflow' });
  try {
    await client.connect();
    const r = await client.query<{ there: boolean; can_create: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS there, has_database_privilege(current_database(), 'CREATE') AS can_create",
      [schema],
    );
    const { there, can_create: canCreate } = r.rows[0];
    if (!there && !canCreate) return { ok: false, message: `Logged in, but schema "${schema}" does not exist and this user may not create it: create it, or grant CREATE on the database` };
    return { ok: true, message: there ? `Connection successful: schema "${schema}" is there` : `Connection successful: schema "${schema}" will be created on first use` };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}

/** How long a leased store's pool stays open after its last user let go (n8n runs executions one after another). */
export const LEASE_IDLE_MS = 60_000;

interface Leased {
  store: Promise<PgStore>;
  users: number;
  idle: NodeJS.Timeout | null;
}
const leased = new Map<string, Leased>();

/**
 * The store for one piece of work in a long-lived process (an n8n worker runs execution after execution): one pool
 * per connection setting shared by every lease, opened (and migrated) by the first, closed `LEASE_IDLE_MS` after the
 * last lets go — so an execution pays neither a new connection nor the schema check. The store it gives is the
 * lease: its `close` lets go (once), the pool stays for the next. A changed setting (a new password) is another pool;
 * the old one idles out.
 */
export async function leasePgStore(target: string | PgConnectionSettings, o: { idleMs?: number } = {}): Promise<PgStore> {
  const key = JSON.stringify(target);
  let entry = leased.get(key);
  if (!entry) {
    const idleMs = o.idleMs ?? LEASE_IDLE_MS;
    // Its connections stay as long as the pool, so the next execution within the idle time reuses one.
    const opened: Leased = { store: openPgStore(target, { maxConnections: 10, idleConnectionMs: idleMs }), users: 0, idle: null };
    // A store that could not be opened is not kept: the next lease tries again.
    opened.store.catch(() => leased.get(key) === opened && leased.delete(key));
    leased.set(key, (entry = opened));
  }
  const lease = entry;
  lease.users++;
  if (lease.idle) clearTimeout(lease.idle);
  lease.idle = null;
  let store: PgStore;
  try {
    store = await lease.store;
  } catch (err) {
    lease.users--;
    throw err;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (--lease.users > 0) return;
    lease.idle = setTimeout(() => {
      if (lease.users > 0 || leased.get(key) !== lease) return;
      leased.delete(key);
      void store.close();
    }, o.idleMs ?? LEASE_IDLE_MS);
    lease.idle.unref();
  };
  return { ...store, close: () => Promise.resolve(release()) };
}

/** Close every leased pool now, leased or idle (a process shutting down; tests). */
export async function closeLeasedPgStores(): Promise<void> {
  const all = [...leased.values()];
  leased.clear();
  await Promise.all(
    all.map(async (lease) => {
      if (lease.idle) clearTimeout(lease.idle);
      await (await lease.store.catch(() => null))?.close();
    }),
  );
}
