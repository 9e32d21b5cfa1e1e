/**
 * One store location, either database: a `postgres://` URL opens the PostgreSQL store (n8n queue mode: one store
 * for every worker), anything else is a SQLite file path (the embedded default). `LEADFLOW_DB`, `--db` and the n8n
 * nodes' store setting all come through here. pg is loaded only when a URL asks for it.
 */
import { openStore, type OpenStoreOptions, type Store } from './store';
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
