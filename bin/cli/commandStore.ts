/**
 * The store a command works on: --db, else $LEADFLOW_DB (or $DATABASE_PATH), else ~/.leadflow/leadflow.db.
 *
 * Only a command that brings something into a store from outside it — `run` (generated leads), `import` (a file),
 * `erase` (a suppression that must hold before the person is ever imported) — may create one. Every other command
 * works on what a store already holds, so a path with no store is an error: a typo in --db must not leave folders
 * and an empty store behind and then answer "0 leads".
 */
import type { Command } from 'commander';
import { openStore, StoreError, type Store } from '../../lib/store/store';
import { defaultStorePath } from '../../lib/store/location';
import { isPostgresLocation, openDb, type AnyStore } from '../../lib/store/openDb';

function storePath(program: Command): string {
  return (program.opts().db as string | undefined) ?? defaultStorePath();
}

/** For commands that put something new in the store: creates the file (and its folder) when there is none. */
export function openOrCreateStore(program: Command): Store {
  return openStore(sqliteLocation(program));
}

/** For commands that work on what is there: no store at the path is a StoreError, and nothing is created. */
export function openExistingStore(program: Command): Store {
  return openStore(sqliteLocation(program), { create: false });
}

/** The store path of a command that works on SQLite only so far; a PostgreSQL URL is a config error naming those that take one. */
function sqliteLocation(program: Command): string {
  const location = storePath(program);
  if (isPostgresLocation(location)) {
    throw new StoreError(`this command works on a SQLite store for now; ${location.replace(/:[^:@/]*@/, ':***@')} is PostgreSQL (\`import\`, \`campaign\`, \`send\`, \`sends\`, \`preview\`, \`verify\`, \`inbox\`, \`metrics\`, \`leads\`, \`export\` and \`erase\` work on it)`);
  }
  return location;
}

/**
 * `openOrCreateStore` on either database (`import`, `campaign create`, `erase`): a SQLite file created when there is none, or a
 * PostgreSQL store, its schema created on first use.
 */
export function openOrCreateDb(program: Command): Promise<AnyStore> {
  return openDb(storePath(program));
}

/**
 * For the commands that run on either database (`campaign`, `send`, `sends`, `preview`, `verify`, `inbox`, `metrics`, `leads`, `export`): a SQLite
 * file that must exist (as above), or a PostgreSQL store (a `postgres://` URL), brought up to date on open.
 */
export function openExistingDb(program: Command): Promise<AnyStore> {
  return openDb(storePath(program), { create: false });
}
