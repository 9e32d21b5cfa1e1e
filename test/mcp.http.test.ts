/** `leadflow mcp --http`: Streamable HTTP on 127.0.0.1, the same tools, guarded against DNS rebinding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { openStore } from '../lib/store/store';
import { mcpOverHttp } from './support/mcpClient';
import { tempStorePath } from './support/tmp';

function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end(body);
  });
}

test('over HTTP the server lists the same tools and writes to the same store', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverHttp(t, db);
  const { tools } = await mcp.client.listTools();
  assert.equal(tools.length, 12);
  const r = await mcp.ok<{ inserted: number }>('generate_leads', { count: 4, seed: 12 });
  assert.equal(r.inserted, 4);
  const s = openStore(db);
  t.after(() => s.close());
  assert.equal(s.stmt('SELECT count(*) AS n FROM leads').get()?.n, 4);
  assert.match(await mcp.error('list_leads', { page: 0 }), /page must be a whole number from 1/);
});

test('it binds 127.0.0.1 and refuses requests whose Host is not local (DNS rebinding)', async (t) => {
  const mcp = await mcpOverHttp(t, tempStorePath(t));
  assert.match(mcp.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
  assert.equal(await post(mcp.url, { host: 'attacker.example' }, ping), 403);
  assert.equal(await post(mcp.url, {}, ping), 200);
});
