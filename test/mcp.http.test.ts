/**
 * `leadflow mcp --http`: Streamable HTTP, the same tools, and nobody let in without the LEADFLOW_TOKEN — on loopback
 * and on 0.0.0.0 — nor through a Host name or a web origin it was not told about (DNS rebinding, hostile pages).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { openStore } from '../lib/store/store';
import { mcpOverHttp, startMcpHttp, MCP_TEST_TOKEN, TOOL_NAMES } from './support/mcpClient';
import { tempStorePath } from './support/tmp';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One JSON-RPC POST with exactly these headers (fetch would not let a test set Host). */
function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
/** A stateless server answers a tools/call without a prior initialize, so this is the whole of an attack. */
const generate = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'generate_leads', arguments: { count: 3, seed: 1 } } });

function leadCount(db: string): number {
  const s = openStore(db);
  try {
    return Number(s.stmt('SELECT count(*) AS n FROM leads').get()?.n);
  } finally {
    s.close();
  }
}

test('over HTTP the server lists the same tools and writes to the same store', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverHttp(t, db);
  const { tools } = await mcp.client.listTools();
  assert.deepEqual(tools.map((x) => x.name).sort(), TOOL_NAMES);
  const r = await mcp.ok<{ inserted: number }>('generate_leads', { count: 4, seed: 12 });
  assert.equal(r.inserted, 4);
  assert.equal(leadCount(db), 4);
  assert.match(await mcp.error('list_leads', { page: 0 }), /page must be a whole number from 1/);
});

test('on loopback, a tool call without the token or with a wrong one is refused (401) and changes nothing', async (t) => {
  const db = tempStorePath(t);
  const { url } = await startMcpHttp(t, db);
  const none = await post(url, {}, generate);
  assert.equal(none.status, 401);
  assert.match(String(none.headers['www-authenticate']), /^Bearer realm="leadflow"/);
  assert.match(JSON.parse(none.body).error.message, /Authorization: Bearer/);
  const wrong = await post(url, bearer(`${MCP_TEST_TOKEN}x`), generate);
  assert.equal(wrong.status, 401);
  assert.match(String(wrong.headers['www-authenticate']), /error="invalid_token"/);
  for (const header of [`bearer${MCP_TEST_TOKEN}`, `Basic ${Buffer.from(`x:${MCP_TEST_TOKEN}`).toString('base64')}`, MCP_TEST_TOKEN, 'Bearer ']) {
    assert.equal((await post(url, { authorization: header }, generate)).status, 401, header);
  }
  assert.equal(leadCount(db), 0, 'no tool ran');

  // The SDK client without the token, or with a wrong one, cannot even initialize.
  for (const headers of [{}, bearer('not-the-token')]) {
    const client = new Client({ name: 'intruder', version: '1.0.0' });
    await assert.rejects(client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } })));
  }
  const ok = await post(url, bearer(MCP_TEST_TOKEN), generate);
  assert.equal(ok.status, 200);
  assert.equal(JSON.parse(ok.body).result.structuredContent.inserted, 3);
  assert.equal(leadCount(db), 3);
});

test('it binds 127.0.0.1 and refuses requests whose Host is not local (DNS rebinding), even with the token', async (t) => {
  const { url } = await startMcpHttp(t, tempStorePath(t));
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  const refused = await post(url, { host: 'attacker.example', ...bearer(MCP_TEST_TOKEN) }, ping);
  assert.equal(refused.status, 403);
  assert.match(JSON.parse(refused.body).error.message, /--allowed-host attacker\.example/);
  assert.equal((await post(url, bearer(MCP_TEST_TOKEN), ping)).status, 200);
});

test('on 0.0.0.0 the token is still required, and Host and Origin are still checked', async (t) => {
  const db = tempStorePath(t);
  const { url, stderr } = await startMcpHttp(t, db, {}, ['--host', '0.0.0.0', '--allowed-host', 'mcp.yourco.example']);
  const port = new URL(url).port;
  const named = { host: `mcp.yourco.example:${port}` };

  // Reached under the name it was told about: no token, a wrong one → 401; nothing ran.
  assert.equal((await post(url, named, generate)).status, 401);
  assert.equal((await post(url, { ...named, ...bearer('guess') }, generate)).status, 401);
  assert.equal(leadCount(db), 0);
  // A name it was not told about, or a foreign web origin: 403 even with the token.
  assert.equal((await post(url, { host: `rebind.attacker.example:${port}`, ...bearer(MCP_TEST_TOKEN) }, ping)).status, 403);
  for (const origin of ['http://attacker.example', 'null', `http://mcp.yourco.example:${Number(port) + 1}`]) {
    assert.equal((await post(url, { ...named, origin, ...bearer(MCP_TEST_TOKEN) }, ping)).status, 403, origin);
  }
  // Its own origin, with the token: in.
  assert.equal((await post(url, { ...named, origin: `http://mcp.yourco.example:${port}`, ...bearer(MCP_TEST_TOKEN) }, ping)).status, 200);
  const ok = await post(url, { ...named, ...bearer(MCP_TEST_TOKEN) }, generate);
  assert.equal(ok.status, 200);
  assert.equal(leadCount(db), 3);
  assert.doesNotMatch(stderr(), /without DNS rebinding protection/, 'no SDK warning: the server has its own checks');

  // The SDK client, through 127.0.0.1 (a loopback name is always allowed), with the token.
  const mcp = await mcpOverHttp(t, db, {}, { args: ['--host', '0.0.0.0'] });
  assert.deepEqual((await mcp.client.listTools()).tools.map((x) => x.name).sort(), TOOL_NAMES);
  assert.equal((await mcp.ok<{ total: number }>('list_leads', {})).total, 3);
});

test('--allowed-origin lets a browser client at that origin in (with the token)', async (t) => {
  const { url } = await startMcpHttp(t, tempStorePath(t), {}, ['--allowed-origin', 'http://localhost:6274']);
  assert.equal((await post(url, { origin: 'http://localhost:6274', ...bearer(MCP_TEST_TOKEN) }, ping)).status, 200);
  assert.equal((await post(url, { origin: 'http://localhost:6274' }, ping)).status, 401);
  assert.equal((await post(url, { origin: 'http://localhost:6275', ...bearer(MCP_TEST_TOKEN) }, ping)).status, 403);
});

test('without LEADFLOW_TOKEN, `leadflow mcp --http` makes one, shows it once on stderr, and stdout carries only the URL', async (t) => {
  const db = tempStorePath(t);
  const server = await startMcpHttp(t, db, { LEADFLOW_TOKEN: '' });
  await new Promise<void>((resolve) => {
    const wait = () => (/LEADFLOW_TOKEN for this session/.test(server.stderr()) ? resolve() : setTimeout(wait, 20));
    wait();
  });
  const token = /LEADFLOW_TOKEN for this session \(shown once; set LEADFLOW_TOKEN to choose your own\): (\S+)/.exec(server.stderr())![1];
  assert.ok(token.length >= 32);
  assert.notEqual(token, MCP_TEST_TOKEN);
  assert.equal(server.stderr().split(token).length - 1, 1, 'shown once');
  assert.equal(server.stdout(), `${server.url}\n`);
  assert.equal((await post(server.url, {}, ping)).status, 401);
  assert.equal((await post(server.url, bearer(token), ping)).status, 200);

  const mcp = await mcpOverHttp(t, db, { LEADFLOW_TOKEN: 'chosen-token-0123456789' });
  assert.doesNotMatch(mcp.stderr(), /chosen-token/, 'a token from the environment is not printed');
  assert.deepEqual((await mcp.client.listTools()).tools.map((x) => x.name).sort(), TOOL_NAMES);
});
