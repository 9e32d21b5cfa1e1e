/**
 * A real status server for the API and browser tests: a temp store file, `startStatusServer` on a free port of
 * 127.0.0.1 (or of every interface, `host: '0.0.0.0'`, reached through 127.0.0.1), a known token, and its JSON log
 * lines captured in memory so tests can read what was logged.
 */
import type { TestContext } from 'node:test';
import { openStore, type Store } from '../../lib/store/store';
import { createLogger, type LogLevel } from '../../lib/log/logger';
import { startStatusServer, type StatusServer } from '../../status/server';
import { tempStorePath } from './tmp';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const TEST_SECRET = 'test-secret-for-unsubscribe-links';

export interface TestStatusServer {
  server: StatusServer;
  /** Where to connect: the server's URL, with 127.0.0.1 for a wildcard bind. */
  url: string;
  /** The same for the unsubscribe-only listener (…/unsubscribe), when one was asked for. */
  unsubscribeUrl?: string;
  storePath: string;
  /** The test's own connection to the same store file, for seeding and for checking what the API did. */
  store: Store;
  /** Every log line written so far, parsed. */
  logLines(): Record<string, unknown>[];
  /** Every log line written so far, as written. */
  logText(): string;
  /** fetch with the bearer token. */
  authed(path: string, init?: RequestInit): Promise<Response>;
}

export async function startTestStatusServer(
  t: TestContext,
  o: {
    seed?: (store: Store) => Promise<void> | void;
    level?: LogLevel;
    secret?: string | null;
    host?: string;
    unsubscribeListener?: { port: number; host?: string };
  } = {},
): Promise<TestStatusServer> {
  const storePath = tempStorePath(t);
  const store = openStore(storePath);
  if (o.seed) await o.seed(store);
  const lines: string[] = [];
  const logger = createLogger({ name: 'status', level: o.level ?? 'debug', destination: { write: (s: string) => void lines.push(s) } });
  const server = await startStatusServer({
    storePath,
    token: TEST_TOKEN,
    logger,
    port: 0,
    host: o.host,
    unsubscribeListener: o.unsubscribeListener,
    unsubscribeSecret: o.secret === null ? undefined : (o.secret ?? TEST_SECRET),
  });
  t.after(async () => {
    await server.close();
    store.close();
  });
  const reachable = (url: string) => url.replace('//0.0.0.0:', '//127.0.0.1:');
  return {
    server,
    url: reachable(server.url),
    unsubscribeUrl: server.unsubscribeUrl && reachable(server.unsubscribeUrl),
    storePath,
    store,
    logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    logText: () => lines.join(''),
    authed: (path, init = {}) =>
      fetch(reachable(server.url) + path, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${TEST_TOKEN}` } }),
  };
}
