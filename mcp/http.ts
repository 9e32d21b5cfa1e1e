/**
 * `leadflow mcp --http`: the server over Streamable HTTP at POST /mcp, stateless — each request gets a fresh MCP
 * server over the one shared store, so nothing is lost between requests (live-send tokens live in the store) and
 * any number of clients can call at once.
 *
 * Bound to 127.0.0.1 by default. Whatever the bind address, every request must carry the LEADFLOW_TOKEN as a bearer
 * token and be addressed to a Host this server answers to (and, from a browser, come from an allowed Origin): see
 * httpAccess.ts. Binding beyond loopback is the operator's explicit choice, and still lets nobody in without the token.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import express from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Store } from '../lib/store/store';
import { createLeadflowServer } from './server';
import { BackgroundRunner } from '../lib/pipeline/backgroundRunner';
import { requireAccess } from './httpAccess';

export interface HttpOptions {
  host?: string;
  port: number;
  /** The LEADFLOW_TOKEN every request must carry as `Authorization: Bearer <token>`. */
  token: string;
  /** Host names clients may use besides loopback names and the bind address (--allowed-host). */
  allowedHosts?: string[];
  /** Browser origins allowed besides the server's own (--allowed-origin). */
  allowedOrigins?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

export async function serveHttp(store: Store, o: HttpOptions): Promise<RunningHttpServer> {
  const host = o.host ?? '127.0.0.1';
  const env = o.env ?? process.env;
  const ctx = { store, env, runner: new BackgroundRunner(store, { env }) };
  const app = express();
  app.disable('x-powered-by');
  // Host, Origin and token are checked before the body is read: a refused request costs nothing.
  app.use(requireAccess({ bindHost: host, allowedHosts: o.allowedHosts, allowedOrigins: o.allowedOrigins, token: o.token }));
  app.use(express.json());

  app.post('/mcp', async (req: Request, res: Response) => {
    const server = createLeadflowServer(ctx);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      process.stderr.write(`leadflow mcp: request failed: ${(err as Error).stack ?? String(err)}\n`);
      if (!res.headersSent) {
        res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null });
      }
    }
  });
  // Stateless: there is no session to stream to (GET) or to end (DELETE).
  const notAllowed = (_req: Request, res: Response) => {
    res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: POST /mcp' }, id: null });
  };
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);

  const listener = await new Promise<Server>((resolve, reject) => {
    // Express 5 hands a listen error (port taken, address not available) to this callback.
    const s = app.listen(o.port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = listener.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/mcp`,
    async close() {
      await ctx.runner.close();
      listener.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
