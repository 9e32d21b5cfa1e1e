/** The n8n side of a PostgreSQL test store: a Leadflow Store credential's fields for its URL. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** A Leadflow Store credential's fields for a test database URL (trust auth: any password logs in). */
export function storeCredential(url: string, schema = 'leadflow'): ICredentialDataDecryptedObject {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), database: u.pathname.slice(1), user: u.username, password: '', schema, ssl: 'disable' };
}
