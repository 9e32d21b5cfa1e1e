#!/usr/bin/env node
/**
 * `leadflow mcp`: the MCP server for AI agents, on stdio (what MCP clients start) or, with --http, on Streamable
 * HTTP bound to 127.0.0.1. Over HTTP every request needs LEADFLOW_TOKEN as a bearer token; when it is not set, a token
 * is made for this session and shown once on stderr (stdout carries only the URL). Same store as every other command
 * (`--db`, `$LEADFLOW_DB`). The `leadflow` CLI launches this file as its `mcp` subcommand, so the CLI and the server
 * share nothing but lib.
 */
import { Command, CommanderError } from 'commander';
import { openStore } from '../lib/store/store';
import { defaultStorePath } from '../lib/store/location';
import { serveStdio } from './stdio';
import { serveHttp } from './http';
import { newToken } from '../lib/access/accessToken';

function port(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new Error(`--port must be a port number (0-65535), got "${raw}"`);
  return n;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command('leadflow mcp')
  .description('serve the pipeline as MCP tools for AI agents: stdio by default, or Streamable HTTP with --http')
  .option('--db <path>', 'the store file (default: $LEADFLOW_DB, else ~/.leadflow/leadflow.db)')
  .option('--http', 'serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio')
  .option('--port <n>', 'HTTP port (0 picks a free one)', port, 3333)
  .option('--host <address>', 'HTTP address to bind; beyond loopback the tools face the network (each request still needs the token)', '127.0.0.1')
  .option('--allowed-host <name>', 'a Host name clients use to reach the server, besides localhost and the --host address (repeatable)', collect, [])
  .option('--allowed-origin <origin>', 'a browser origin allowed to call the server, e.g. http://localhost:6274 (repeatable)', collect, [])
  .exitOverride()
  .action(async (o: { db?: string; http?: boolean; port: number; host: string; allowedHost: string[]; allowedOrigin: string[] }) => {
    const store = openStore(o.db ?? defaultStorePath());
    if (!o.http) {
      try {
        await serveStdio(store);
      } finally {
        store.close();
      }
      return;
    }
    const fromEnv = process.env.LEADFLOW_TOKEN?.trim();
    const token = fromEnv || newToken();
    const running = await serveHttp(store, { host: o.host, port: o.port, token, allowedHosts: o.allowedHost, allowedOrigins: o.allowedOrigin });
    // The URL on stdout, once, so a script (or a test) can read where to connect; everything for people on stderr.
    process.stdout.write(`${running.url}\n`);
    process.stderr.write(
      `leadflow mcp: serving ${store.path} at ${running.url} (Ctrl-C to stop)\n` +
        '  every request needs the header "Authorization: Bearer <LEADFLOW_TOKEN>"' +
        (fromEnv ? ', with the LEADFLOW_TOKEN from your environment\n' : `\n  LEADFLOW_TOKEN for this session (shown once; set LEADFLOW_TOKEN to choose your own): ${token}\n`),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await running.close();
    store.close();
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
    return;
  }
  process.stderr.write(`leadflow mcp: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
