/**
 * `startStatusServer`: open the store, build the app, listen (127.0.0.1 unless told otherwise), and close it all in
 * order — stop our run, end event streams, close sockets, close the store.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../lib/log/logger';
import { openStore } from '../lib/store/store';
import { createStatusApp, type StatusApp } from './app';
import { isLoopbackAddress } from './localHost';

export const DEFAULT_PORT = 4280;
export const DEFAULT_HOST = '127.0.0.1';

export interface StatusServerOptions {
  storePath: string;
  token: string;
  logger: Logger;
  port?: number;
  host?: string;
  unsubscribeSecret?: string;
}

export interface StatusServer {
  url: string;
  port: number;
  status: StatusApp;
  close(): Promise<void>;
}

export async function startStatusServer(o: StatusServerOptions): Promise<StatusServer> {
  if (!o.token) throw new Error('the status server needs a token: set LEADFLOW_TOKEN (leadflow serve makes one when unset)');
  const host = o.host ?? DEFAULT_HOST;
  const store = openStore(o.storePath);
  const status = createStatusApp({
    store,
    token: o.token,
    logger: o.logger,
    unsubscribeSecret: o.unsubscribeSecret,
    loopbackOnly: isLoopbackAddress(host),
  });
  const server = createServer(status.app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? DEFAULT_PORT, host, () => resolve());
    });
  } catch (err) {
    await status.close();
    store.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new Error(`port ${o.port} on ${host} is in use: pass another --port (or --port 0 for any free one)`);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  o.logger.info({ url, store: store.path, driver: store.driver }, 'status server listening');
  if (!isLoopbackAddress(host)) o.logger.warn({ host }, 'the status server is reachable from other machines: reads need no token');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    status,
    close() {
      closing ??= (async () => {
        await status.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        store.close();
        o.logger.info('status server closed');
      })();
      return closing;
    },
  };
}
