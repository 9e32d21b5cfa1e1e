/**
 * `startStatusServer`: open the store, build the app, listen (127.0.0.1 unless told otherwise) — and, when asked, a
 * second listener that serves only the unsubscribe endpoint, so the links in emails can reach it while the page and
 * its API stay private — and close it all in order: stop our run, end event streams, close sockets, close the store.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../lib/log/logger';
import { closeDb, openDb } from '../lib/store/openDb';
import { createStatusApp, type StatusApp } from './app';
import { isLoopbackAddress } from './localHost';

export const DEFAULT_PORT = 4280;
export const DEFAULT_HOST = '127.0.0.1';
/** The unsubscribe-only listener faces the internet by design, so it binds every interface unless told otherwise. */
export const DEFAULT_UNSUBSCRIBE_HOST = '0.0.0.0';

export interface StatusServerOptions {
  /** A SQLite file, or a `postgres://` URL: the store n8n's queue-mode workers share. */
  storePath: string;
  token: string;
  logger: Logger;
  port?: number;
  host?: string;
  unsubscribeSecret?: string;
  /** Also listen here, serving only `/unsubscribe` (and its stylesheet). */
  unsubscribeListener?: { port: number; host?: string };
}

export interface StatusServer {
  url: string;
  port: number;
  /** The unsubscribe-only listener's `/unsubscribe` URL, when one was asked for. */
  unsubscribeUrl?: string;
  status: StatusApp;
  close(): Promise<void>;
}

function shownUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function listen(app: RequestListener, port: number, host: string, flag: string): Promise<Server> {
  const server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is in use: pass another ${flag} (or ${flag} 0 for any free one)`);
    throw err;
  }
  return server;
}

function stop(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startStatusServer(o: StatusServerOptions): Promise<StatusServer> {
  if (!o.token) throw new Error('the status server needs a token: set LEADFLOW_TOKEN (leadflow serve makes one when unset)');
  const host = o.host ?? DEFAULT_HOST;
  const store = await openDb(o.storePath);
  const status = createStatusApp({
    store,
    token: o.token,
    logger: o.logger,
    unsubscribeSecret: o.unsubscribeSecret,
    loopback: isLoopbackAddress(host),
  });
  const servers: Server[] = [];
  const closeAll = async () => {
    await status.close();
    await Promise.all(servers.map(stop));
    await closeDb(store);
  };
  try {
    servers.push(await listen(status.app, o.port ?? DEFAULT_PORT, host, '--port'));
    if (o.unsubscribeListener) {
      const u = o.unsubscribeListener;
      servers.push(await listen(status.unsubscribeApp, u.port, u.host ?? DEFAULT_UNSUBSCRIBE_HOST, '--unsubscribe-port'));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  const port = (servers[0].address() as AddressInfo).port;
  const url = shownUrl(host, port);
  o.logger.info({ url, store: store.location, driver: store.dialect === 'sqlite' ? store.driver : 'pg' }, 'status server listening');
  if (!isLoopbackAddress(host)) o.logger.warn({ host }, 'the status server is reachable from other machines: every API request needs the token');
  let unsubscribeUrl: string | undefined;
  if (servers[1]) {
    unsubscribeUrl = `${shownUrl(o.unsubscribeListener?.host ?? DEFAULT_UNSUBSCRIBE_HOST, (servers[1].address() as AddressInfo).port)}/unsubscribe`;
    o.logger.info({ url: unsubscribeUrl }, 'unsubscribe endpoint listening (nothing else is served there)');
  }

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    unsubscribeUrl,
    status,
    close() {
      closing ??= (async () => {
        await closeAll();
        o.logger.info('status server closed');
      })();
      return closing;
    },
  };
}
