/**
 * Open the store for a node run, turning the lib's errors into NodeOperationErrors whose message says what to do:
 * a missing SQLite driver (n8n 1.x installs community packages without building better-sqlite3) and a file that is
 * not a store are the two a user meets.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import { openStore, NoSqliteDriverError, StoreError, type Store } from '../../lib';
import { resolveStorePath } from './storeParameter';

export function openNodeStore(fns: IExecuteFunctions): Store {
  const path = resolveStorePath(fns.getNodeParameter('storePath', 0, ''));
  try {
    return openStore(path);
  } catch (err) {
    if (err instanceof NoSqliteDriverError) {
      const [first, ...rest] = err.message.split('\n');
      throw new NodeOperationError(fns.getNode(), first + ' Fix: run `cd ~/.n8n/nodes && npm rebuild better-sqlite3`, then restart n8n.', {
        description: rest.join('\n'),
      });
    }
    if (err instanceof StoreError) throw new NodeOperationError(fns.getNode(), err.message);
    throw err;
  }
}

/** Runs `work` with an open store and always closes it, so a failed execution never leaves the file locked. */
export async function withNodeStore<T>(fns: IExecuteFunctions, work: (store: Store) => Promise<T> | T): Promise<T> {
  const store = openNodeStore(fns);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
