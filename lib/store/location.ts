/**
 * Where the store lives when nobody says: `$LEADFLOW_DB`, else the original design's `$DATABASE_PATH`, else
 * `~/.leadflow/leadflow.db`. n8n, the CLI, the MCP server and the status page all resolve it here, so by default
 * they share one file.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Does this store location name a PostgreSQL store (a `postgres://` or `postgresql://` URL) rather than a file? */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.LEADFLOW_DB?.trim() || env.DATABASE_PATH?.trim();
  return fromEnv || join(homedir(), '.leadflow', 'leadflow.db');
}
