/**
 * `leadflow mcp`: the server on stdin/stdout, as MCP clients (Claude Desktop, Cursor, n8n's MCP Client Tool) start
 * it. stdout carries only protocol messages; anything for people goes to stderr. It ends when the client closes
 * stdin, after asking the pipeline runs it started to stop.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Store } from '../lib/store/store';
import { createLeadflowServer } from './server';
import { BackgroundRunner } from '../lib/pipeline/backgroundRunner';

export async function serveStdio(store: Store, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const runner = new BackgroundRunner(store, { env });
  const server = createLeadflowServer({ store, env, runner });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  process.stderr.write(`leadflow mcp: serving ${store.path} on stdio\n`);
  await closed;
  await runner.close();
  await server.close();
}
