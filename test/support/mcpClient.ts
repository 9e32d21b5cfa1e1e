/**
 * A real MCP client on a real `leadflow mcp` child process: over stdio (the way Claude Desktop or Cursor start it)
 * or over Streamable HTTP (`leadflow mcp --http --port 0`, whose URL the child prints on stdout), sending the
 * LEADFLOW_TOKEN as `Authorization: Bearer` the way n8n's MCP Client Tool does.
 */
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI } from './cli';

/** Where to register cleanup: a test's `t` (t.after) or node:test's top-level `after`. */
export type Cleanup = { after(fn: () => unknown): void } | ((fn: () => unknown) => void);
const onCleanup = (c: Cleanup, fn: () => unknown) => (typeof c === 'function' ? c(fn) : c.after(fn));

export interface McpSession {
  client: Client;
  /** Call a tool; the result as the server sent it (isError included). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Call a tool that must succeed; its structuredContent. */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Call a tool that must fail; its error text. */
  error(name: string, args?: Record<string, unknown>): Promise<string>;
  /** What the server wrote to stderr so far. */
  stderr(): string;
}

/**
 * A session that behaves like a real client: before its first call it lists the tools, so the SDK validates every
 * result against the tool's output schema (a result that does not match is an error, as in Claude Desktop or n8n's
 * MCP Client Tool). A listing the server refuses (no token) is left to the call to report.
 */
function session(client: Client, stderr: () => string): McpSession {
  let listed: Promise<unknown> | undefined;
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    await (listed ??= client.listTools().catch(() => undefined));
    return (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
  };
  const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return {
    client,
    call,
    async ok<T>(name: string, args: Record<string, unknown> = {}) {
      const r = await call(name, args);
      if (r.isError) throw new Error(`${name} failed unexpectedly: ${text(r)}\n--- server stderr ---\n${stderr()}`);
      return r.structuredContent as T;
    },
    async error(name: string, args: Record<string, unknown> = {}) {
      const r = await call(name, args);
      if (!r.isError) throw new Error(`${name} succeeded but should have failed: ${JSON.stringify(r.structuredContent)}`);
      return text(r);
    },
    stderr,
  };
}

export async function mcpOverStdio(t: Cleanup, db: string, env: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', CLI, '--db', db, 'mcp'],
    env: { ...(process.env as Record<string, string>), NO_COLOR: '1', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const client = new Client({ name: 'leadflow-test', version: '1.0.0' });
  await client.connect(transport);
  onCleanup(t, () => client.close());
  return session(client, () => stderr);
}

/** The LEADFLOW_TOKEN the HTTP server is started with unless a test's env says otherwise. */
export const MCP_TEST_TOKEN = 'mcp-test-token-0123456789abcdef';

export interface HttpServerOptions {
  /** More `leadflow mcp` flags, e.g. ['--host', '0.0.0.0', '--allowed-host', 'x']. */
  args?: string[];
  /** The token the client sends (default: the server's LEADFLOW_TOKEN); null sends none. Connecting then fails. */
  clientToken?: string | null;
}

/** `leadflow mcp --http` as a child process: the URL it printed (127.0.0.1 for a wildcard bind), its output so far. */
export async function startMcpHttp(t: Cleanup, db: string, env: Record<string, string> = {}, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--db', db, 'mcp', '--http', '--port', '0', ...args], {
    env: { ...process.env, NO_COLOR: '1', LEADFLOW_TOKEN: MCP_TEST_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  onCleanup(t, async () => {
    child.kill('SIGTERM');
    await exited;
  });
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      const line = /^(http:\/\/\S+)\n/m.exec(stdout);
      if (line) resolve(line[1].replace('//0.0.0.0:', '//127.0.0.1:'));
    });
    child.once('exit', (code) => reject(new Error(`leadflow mcp --http exited (${code}) before listening:\n${stderr}`)));
  });
  return { url, stdout: () => stdout, stderr: () => stderr };
}

export async function mcpOverHttp(t: Cleanup, db: string, env: Record<string, string> = {}, o: HttpServerOptions = {}): Promise<McpSession & { url: string }> {
  const server = await startMcpHttp(t, db, env, o.args);
  const token = o.clientToken === undefined ? (env.LEADFLOW_TOKEN ?? MCP_TEST_TOKEN) : o.clientToken;
  const client = new Client({ name: 'leadflow-test', version: '1.0.0' });
  const headers: Record<string, string> = token === null ? {} : { Authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } }));
  onCleanup(t, () => client.close());
  return Object.assign(session(client, server.stderr), { url: server.url });
}

/** Every tool the server registers, by name (sorted): what a client listing the tools finds, over stdio and HTTP alike. */
export const TOOL_NAMES = [
  'add_leads_to_campaign', 'create_campaign', 'enrich_leads', 'generate_leads', 'generate_messages', 'get_lead', 'get_metrics',
  'get_status', 'import_leads', 'list_campaigns', 'list_leads', 'preview_campaign', 'record_event', 'run_pipeline', 'send_outreach',
  'set_campaign_state', 'simulate_campaign', 'stop_pipeline', 'update_campaign',
];
