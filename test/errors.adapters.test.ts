/**
 * One error base, mapped once per adapter (lib/errors.ts): each test throws through the adapter a user meets — the
 * real CLI, a real MCP client on `leadflow mcp`, Express with the status page's error handler, and n8n's execution
 * engine — and checks what comes out for a kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { IDataObject, IRun } from 'n8n-workflow';
import { LeadflowError, type ErrorKind } from '../lib/errors';
import { openStore } from '../lib/store/store';
import { generateLeads } from '../lib/leads/generate/generate';
import { ingestLeads } from '../lib/leads/ingest';
import { jsonErrors } from '../status/httpError';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import { EnrichLeads } from '../nodes/EnrichLeads/EnrichLeads.node.ts';
import { OutreachMetrics } from '../nodes/OutreachMetrics/OutreachMetrics.node.ts';
import { leadflow } from './support/cli';
import { mcpOverStdio } from './support/mcpClient';
import { runNode } from './support/n8nEngine';
import { startGroqServer } from './support/groqServer';
import { tempStorePath } from './support/tmp';

/** A store with `n` synthetic leads; returns their addresses. */
function seededStore(path: string, n: number): string[] {
  const store = openStore(path);
  try {
    const leads = generateLeads({ count: n, seed: 7 });
    store.tx(() => ingestLeads(store, leads, new Date().toISOString()));
    return leads.map((l) => l.email);
  } finally {
    store.close();
  }
}

/** Stands in for a fault nobody planned for: the store loses its leads table under a running adapter. */
function breakStore(path: string): void {
  const store = openStore(path);
  try {
    store.exec('ALTER TABLE leads RENAME TO leads_gone');
  } finally {
    store.close();
  }
}

const STACK_LINE = /\n\s+at /;

/** The error a run ended with, as n8n keeps it in the run data (a plain copy of the thrown error's fields). */
function runError(run: IRun): { name: string; message: string; httpCode?: string; context: { itemIndex?: number } } {
  const e = run.data.resultData.error as unknown as { name: string; message: string; httpCode?: string; context: { itemIndex?: number } } | undefined;
  assert.ok(e, 'the run failed');
  return e;
}

// --- CLI ---------------------------------------------------------------------------------------------------------

test('the CLI exits 2 for an input error, with its message and no stack', (t) => {
  const r = leadflow(['--db', tempStorePath(t), 'erase', 'not-an-address']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'leadflow: "not-an-address" is not an email address: pass the address of the person to erase\n');
});

test('the CLI exits 1 for a config error, with its message and no stack', (t) => {
  const db = tempStorePath(t);
  seededStore(db, 1);
  const r = leadflow(['--db', db, 'leads'], { LEADFLOW_SQLITE_DRIVER: 'sqlite9' });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'leadflow: LEADFLOW_SQLITE_DRIVER=sqlite9 is not a driver: use better-sqlite3 or node:sqlite\n');
});

test('the CLI exits 1 for a fault that is no LeadflowError, calls it internal and prints its stack', (t) => {
  const db = tempStorePath(t);
  seededStore(db, 1);
  breakStore(db);
  const r = leadflow(['--db', db, 'leads']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^leadflow: internal error: .*no such table: leads/);
  assert.match(r.stderr, STACK_LINE);
});

// --- MCP ---------------------------------------------------------------------------------------------------------

test('an MCP tool call that hits an input error returns isError with the message, no structuredContent, nothing on stderr', async (t) => {
  const db = tempStorePath(t);
  seededStore(db, 1);
  const mcp = await mcpOverStdio(t, db);
  const { tools } = await mcp.client.listTools();
  assert.ok(tools.some((x) => x.name === 'record_event'));
  const r = await mcp.call('record_event', { type: 'reply', email: 'nobody@nowhere.example' });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent, undefined);
  assert.deepEqual(r.content, [{ type: 'text', text: 'record_event failed: no lead with email nobody@nowhere.example' }]);
  assert.doesNotMatch(mcp.stderr(), /record_event failed/);
});

test('an MCP tool call that hits a fault that is no LeadflowError says "internal error" and logs the stack on stderr', async (t) => {
  const db = tempStorePath(t);
  seededStore(db, 1);
  const mcp = await mcpOverStdio(t, db);
  await mcp.client.listTools();
  breakStore(db);
  const r = await mcp.call('list_leads', {});
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent, undefined);
  const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  assert.match(text, /^list_leads failed: internal error: .*no such table: leads/);
  assert.doesNotMatch(text, STACK_LINE, 'the model gets no stack');
  assert.match(mcp.stderr(), /leadflow mcp: list_leads failed: .*no such table: leads/);
  assert.match(mcp.stderr(), STACK_LINE);
});

// --- HTTP --------------------------------------------------------------------------------------------------------

test('the status page answers each LeadflowError kind with its status, and hides an internal one behind a plain 500', async (t) => {
  const app = express();
  app.get('/kind/:kind', (req) => {
    throw new LeadflowError(req.params.kind as ErrorKind, `a ${req.params.kind} error`);
  });
  app.get('/plain', () => {
    throw new TypeError('x is undefined');
  });
  app.use(jsonErrors);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const answer = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, error: ((await res.json()) as { error: string }).error };
  };
  const expected: Record<ErrorKind, number> = { input: 400, refused: 403, conflict: 409, config: 503, transient: 503, internal: 500 };
  for (const [kind, status] of Object.entries(expected)) {
    const r = await answer(`/kind/${kind}`);
    assert.equal(r.status, status, kind);
    if (kind === 'internal') assert.match(r.error, /^internal error: the status server logged the details/);
    else assert.equal(r.error, `a ${kind} error`);
  }
  const plain = await answer('/plain');
  assert.equal(plain.status, 500);
  assert.doesNotMatch(plain.error, /x is undefined/);
});

// --- n8n ---------------------------------------------------------------------------------------------------------

test('a node whose lib call throws an input LeadflowError fails with a NodeOperationError naming the item', async (t) => {
  const storePath = tempStorePath(t);
  const [known] = seededStore(storePath, 1);
  const parameters = { storePath, operation: 'recordEvent', eventType: 'reply', email: '={{ $json.email }}' };
  const input = [{ email: known }, { email: 'nobody@nowhere.example' }];
  const { run } = await runNode(new SendOutreach(), { parameters, input });
  const failure = runError(run);
  assert.equal(failure.name, 'NodeOperationError');
  assert.equal(failure.message, 'no lead with email nobody@nowhere.example');
  assert.equal(failure.context.itemIndex, 1);

  const { items } = await runNode(new SendOutreach(), { parameters, input, continueOnFail: true });
  assert.deepEqual(items[1], { json: { error: 'no lead with email nobody@nowhere.example' }, pairedItem: { item: 1 } });
});

test('a node whose Groq call is refused fails with a NodeApiError carrying Groq\'s status and naming the item', async (t) => {
  const groq = await startGroqServer({
    chat: () => ({ status: 401, body: { error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' } } }),
  });
  t.after(() => groq.close());
  const storePath = tempStorePath(t);
  const [email] = seededStore(storePath, 1);
  const { run } = await runNode(new EnrichLeads(), {
    parameters: { storePath, method: 'ai' },
    input: [{ email } as IDataObject],
    credentials: { leadflowGroqApi: { apiKey: 'gsk_wrong', baseUrl: groq.baseURL } },
  });
  const failure = runError(run);
  assert.equal(failure.name, 'NodeApiError');
  assert.match(failure.message, /^Groq refused the API key \(401: Invalid API Key\)/);
  assert.equal(failure.httpCode, '401');
  assert.equal(failure.context.itemIndex, 0);
});

test('a node that hits a fault that is no LeadflowError fails with a NodeOperationError saying "internal error"', async (t) => {
  const storePath = tempStorePath(t);
  seededStore(storePath, 1);
  breakStore(storePath);
  const { run } = await runNode(new OutreachMetrics(), { parameters: { storePath, operation: 'funnel' } });
  const failure = runError(run);
  assert.equal(failure.name, 'NodeOperationError');
  assert.match(failure.message, /^internal error: .*no such table: leads/);
});
