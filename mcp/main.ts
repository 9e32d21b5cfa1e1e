#!/usr/bin/env node
/**
 * `leadflow mcp`: the MCP server for AI agents, on stdio (what MCP clients start) or, with --http, on Streamable
 * HTTP bound to 127.0.0.1. Same store as every other command (`--db`, `$LEADFLOW_DB`). The `leadflow` CLI launches
 * this file as its `mcp` subcommand, so the CLI and the server share nothing but lib.
 */
import { Command, CommanderError } from 'commander';
import { openStore } from '../lib/store/store';
import { defaultStorePath } from '../lib/store/location';
import { serveStdio } from './stdio';
import { serveHttp } from './http';

function port(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new Error(`--port must be a port number (0-65535), got "${raw}"`);
  return n;
}

const program = new Command('leadflow mcp')
  .description('serve the pipeline as MCP tools for AI agents: stdio by default, or Streamable HTTP with --http')
  .option('--db <path>', 'the store file (default: $LEADFLOW_DB, else ~/.leadflow/leadflow.db)')
  .option('--http', 'serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio')
  .option('--port <n>', 'HTTP port (0 picks a free one)', port, 3333)
  .option('--host <address>', 'HTTP address to bind; anything but loopback exposes the tools to the network', '127.0.0.1')
  .exitOverride()
  .action(async (o: { db?: string; http?: boolean; port: number; host: string }) => {
    const store = openStore(o.db ?? defaultStorePath());
    if (!o.http) {
      try {
        await serveStdio(store);
      } finally {
        store.close();
      }
      return;
    }
    const running = await serveHttp(store, { host: o.host, port: o.port });
    // The URL on stdout, once, so a script (or a test) can read where to connect.
    process.stdout.write(`${running.url}\n`);
    process.stderr.write(`leadflow mcp: serving ${store.path} at ${running.url} (Ctrl-C to stop)\n`);
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
