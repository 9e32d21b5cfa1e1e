/**
 * Open the store for a node run, and run a node's work on it: whatever either throws leaves as an n8n error
 * (nodeError.ts), never raw. A missing SQLite driver (n8n 1.x installs community packages without building
 * better-sqlite3) gets the n8n fix in its headline, the engines' reasons below it.
 */
import { NodeOperationError, type ICredentialDataDecryptedObject, type IExecuteFunctions, type ILoadOptionsFunctions, type INode } from 'n8n-workflow';
import { openStore, NoSqliteDriverError, type Store } from '../../lib';
import { closeDb, type AnyStore } from '../../lib/store/openDb';
import { resolveStorePath } from './storeParameter';
import { nodeError } from './nodeError';
import { STORE_CREDENTIAL, storeSettingsFromCredential } from './storeCredential';

/** The store a node's Store File parameter names — for an execution, or a dropdown the editor loads from the store. */
function openStoreOfNode(node: INode, storePath: unknown): Store {
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

/**
 * Runs `work` on the node's store: the PostgreSQL store its Leadflow Store credential names, when one is set (n8n's
 * queue mode: every worker on one store), else the SQLite file of its Store File parameter. Always closed after.
 */
export async function withNodeDb<T>(fns: IExecuteFunctions, work: (db: AnyStore) => Promise<T> | T): Promise<T> {
  const store = await openDbOfNode(fns.getNode(), await storeCredentialOf(fns), fns.getNodeParameter('storePath', 0, ''));
  try {
    return await work(store);
  } catch (err) {
    throw nodeError(fns.getNode(), err);
  } finally {
    await closeDb(store);
  }
}

/**
 * `withNodeDb` for a dropdown the editor loads (a loadOptions method): the store of the node's credential or Store
 * File as the editor holds them.
 */
export async function withOptionsDb<T>(fns: ILoadOptionsFunctions, work: (db: AnyStore) => Promise<T>): Promise<T> {
  const store = await openDbOfNode(fns.getNode(), await storeCredentialOf(fns), fns.getNodeParameter('storePath', ''));
  try {
    return await work(store);
  } finally {
    await closeDb(store);
  }
}

/** The node's Leadflow Store credential, or null when it has none. */
function storeCredentialOf(fns: Pick<IExecuteFunctions | ILoadOptionsFunctions, 'getCredentials'>): Promise<ICredentialDataDecryptedObject | null> {
  return fns.getCredentials(STORE_CREDENTIAL).catch(() => null);
}

async function openDbOfNode(node: INode, credential: ICredentialDataDecryptedObject | null, storePath: unknown): Promise<AnyStore> {
  if (!credential) return openStoreOfNode(node, storePath);
  // Leased: a worker's executions share one pool per credential setting, its schema checked once; closing lets go.
  const { leasePgStore } = await import('../../lib/store/pg/pgStore.js');
  return leasePgStore(storeSettingsFromCredential(credential)).catch((err: unknown) => {
    throw nodeError(node, err);
  });
}
