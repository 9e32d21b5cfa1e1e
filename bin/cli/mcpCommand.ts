/**
 * `leadflow mcp`: the MCP server for AI agents, on stdio (what MCP clients start) or, with --http, on Streamable
 * HTTP bound to 127.0.0.1. Same store as every other command (`--db`, `$LEADFLOW_DB`).
 */
import type { Command } from 'commander';
import { openStore } from '../../lib/store/store';
import { defaultStorePath } from '../../lib/store/location';
import { serveStdio } from '../../mcp/stdio';
import { serveHttp } from '../../mcp/http';
import { wholeNumber } from './args';

export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('serve the pipeline as MCP tools for AI agents: stdio by default, or Streamable HTTP with --http')
    .option('--http', 'serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio')
    .option('--port <n>', 'HTTP port (0 picks a free one)', wholeNumber(0, 65535), 3333)
    .option('--host <address>', 'HTTP address to bind; anything but loopback exposes the tools to the network', '127.0.0.1')
    .action(async (o: { http?: boolean; port: number; host: string }) => {
      const store = openStore(program.opts().db ?? defaultStorePath());
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
}
