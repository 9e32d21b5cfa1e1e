/**
 * The Leadflow Store credential on a node: a PostgreSQL store every n8n worker shares (queue mode). Optional — left
 * empty, a node works on its Store File (SQLite) as before. Tested by a real login (connect, authenticate, see the
 * schema's state; nothing is created), as n8n's own Postgres credential is.
 */
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialDescription, INodeCredentialTestResult } from 'n8n-workflow';
import pg from 'pg';
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
  const c = storeSettingsFromCredential(credential.data ?? {});
  const client = new pg.Client({
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl: c.ssl === 'require' ? { rejectUnauthorized: true } : c.ssl === 'allow-self-signed' ? { rejectUnauthorized: false } : false,
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
    const r = await client.query<{ exists: boolean; can_create: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists, has_database_privilege(current_database(), 'CREATE') AS can_create`,
      [c.schema],
    );
    const { exists, can_create: canCreate } = r.rows[0];
    if (!exists && !canCreate) {
      return { status: 'Error', message: `Logged in, but schema "${c.schema}" does not exist and this user may not create it: create it, or grant CREATE on the database` };
    }
    return { status: 'OK', message: exists ? `Connection successful: schema "${c.schema}" is there` : `Connection successful: schema "${c.schema}" will be created on first use` };
  } catch (err) {
    return { status: 'Error', message: (err as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}
