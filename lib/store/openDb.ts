/**
 * One store location, either database: a `postgres://` URL opens the PostgreSQL store (n8n queue mode: one store
 * for every worker), anything else is a SQLite file path (the embedded default). `LEADFLOW_DB`, `--db` and the n8n
 * nodes' store setting all come through here. pg is loaded only when a URL asks for it.
 */
import { dataVersion, openStore, type OpenStoreOptions, type Store } from './store';
import type { PgStore } from './pg/pgStore';
import { defaultStorePath, isPostgresLocation } from './location';

export { isPostgresLocation };

export type AnyStore = Store | PgStore;

export async function openDb(location: string = defaultStorePath(), options: OpenStoreOptions = {}): Promise<AnyStore> {
  if (!isPostgresLocation(location)) return openStore(location, options);
  const { openPgStore } = await import('./pg/pgStore.js');
  return openPgStore(location);
}

/** Close either kind of store. */
export async function closeDb(store: AnyStore): Promise<void> {
  if (store.dialect === 'postgres') await store.close();
  else store.close();
}

/**
 * A number that moves when the store's data changes, read without touching a table: what the status page polls to
 * notice another process's writes. SQLite: `PRAGMA data_version` (commits by other connections, at once).
 * PostgreSQL: the rows inserted, updated and deleted in the store's schema by every session, from the server's
 * statistics — each session reports its counts when it goes idle, within about ten seconds at worst.
 */
export async function changeMark(store: AnyStore): Promise<number> {
  if (store.dialect === 'sqlite') return dataVersion(store);
  const row = await store.get('SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables WHERE schemaname = current_schema()');
  return Number(row?.[0] ?? 0);
}
