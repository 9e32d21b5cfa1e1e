/**
 * Open the store for a node run, and run a node's work on it: whatever either throws leaves as an n8n error
 * (nodeError.ts), never raw. A missing SQLite driver (n8n 1.x installs community packages without building
 * better-sqlite3) gets the n8n fix in its headline, the engines' reasons below it.
 */
import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';
import { openStore, NoSqliteDriverError, type Store } from '../../lib';
import { closeDb, type AnyStore } from '../../lib/store/openDb';
import { resolveStorePath } from './storeParameter';
import { nodeError } from './nodeError';
import { STORE_CREDENTIAL, storeSettingsFromCredential } from './storeCredential';

export function openNodeStore(fns: IExecuteFunctions): Store {
  return openStoreOfNode(fns.getNode(), fns.getNodeParameter('storePath', 0, ''));
}

/** The store a node's Store File parameter names — for an execution, or a dropdown the editor loads from the store. */
export function openStoreOfNode(node: INode, storePath: unknown): Store {
  const path = resolveStorePath(storePath);
  try {
    return openStore(path);
  } catch (err) {
    if (err instanceof NoSqliteDriverError) {
      const [first, ...rest] = err.message.split('\n');
      throw new NodeOperationError(node, first + ' Fix: run `cd ~/.n8n/nodes && npm rebuild better-sqlite3`, then restart n8n.', {
        description: rest.join('\n'),
      });
    }
    throw nodeError(node, err);
  }
}

/** Runs `work` with an open store and always closes it, so a failed execution never leaves the file locked. */
export async function withNodeStore<T>(fns: IExecuteFunctions, work: (store: Store) => Promise<T> | T): Promise<T> {
  const store = openNodeStore(fns);
  try {
    return await work(store);
  } catch (err) {
    throw nodeError(fns.getNode(), err);
  } finally {
    store.close();
  }
}

/**
 * Runs `work` on the node's store: the PostgreSQL store its Leadflow Store credential names, when one is set (n8n's
 * queue mode: every worker on one store), else the SQLite file of its Store File parameter. Always closed after.
 */
export async function withNodeDb<T>(fns: IExecuteFunctions, work: (db: AnyStore) => Promise<T> | T): Promise<T> {
  const credential = await fns.getCredentials(STORE_CREDENTIAL).catch(() => null);
  let store: AnyStore;
  if (credential) {
    const { openPgStore } = await import('../../lib/store/pg/pgStore.js');
    store = await openPgStore(storeSettingsFromCredential(credential)).catch((err: unknown) => {
      throw nodeError(fns.getNode(), err);
    });
  } else store = openNodeStore(fns);
  try {
    return await work(store);
  } catch (err) {
    throw nodeError(fns.getNode(), err);
  } finally {
    await closeDb(store);
  }
}
