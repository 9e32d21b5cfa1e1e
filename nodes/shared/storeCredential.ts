/**
 * The Leadflow Store credential on a node: a PostgreSQL store every n8n worker shares (queue mode). Optional — left
 * empty, a node works on its Store File (SQLite) as before. Tested by a real login (connect, authenticate, see the
 * schema's state; nothing is created), as n8n's own Postgres credential is.
 */
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialDescription, INodeCredentialTestResult } from 'n8n-workflow';
import type { PgConnectionSettings } from '../../lib/store/pg/pgStore';

export const STORE_CREDENTIAL = 'leadflowStore';

/** The credential as a node lists it: optional, tested by `leadflowStoreConnectionTest`. */
export const storeCredential: INodeCredentialDescription = {
  name: STORE_CREDENTIAL,
  required: false,
  testedBy: 'leadflowStoreConnectionTest',
};

const SSL_MODES = ['disable', 'require', 'allow-self-signed'] as const;

export function storeSettingsFromCredential(data: ICredentialDataDecryptedObject): PgConnectionSettings {
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string).trim() : '');
  const ssl = SSL_MODES.find((m) => m === data.ssl) ?? 'disable';
  return {
    host: text('host'),
    port: typeof data.port === 'number' && data.port > 0 ? data.port : 5432,
    database: text('database'),
    user: text('user'),
    password: typeof data.password === 'string' ? data.password : '',
    schema: text('schema') || 'leadflow',
    ssl,
  };
}

export async function leadflowStoreConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
  const { checkPgLogin } = await import('../../lib/store/pg/pgStore.js');
  const r = await checkPgLogin(storeSettingsFromCredential(credential.data ?? {}));
  return { status: r.ok ? 'OK' : 'Error', message: r.message };
}
