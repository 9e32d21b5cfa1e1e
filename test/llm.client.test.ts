import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { openStore } from '../lib/store/store';
import { createGroqClient, type JsonRequest } from '../lib/llm/client';
import { listModels } from '../lib/llm/modelList';
import { ModelUnavailableError } from '../lib/llm/models';
import { GroqAuthError, LlmDeferredError, LlmRequestFailedError } from '../lib/llm/errors';
import { resolveGroqSettings, MissingGroqKeyError } from '../lib/llm/settings';
import { answer, decommissioned, rateLimited, serverError, startGroqServer, type GroqServer } from './support/groqServer';
import { tempStorePath } from './support/tmp';

const request: JsonRequest<{ greeting: string }> = {
  purpose: 'enrich',
  schemaName: 'greeting',
  jsonSchema: { type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'], additionalProperties: false },
  validator: z.object({ greeting: z.string().min(1) }).strict(),
  messages: [{ role: 'user', content: 'Say hello.' }],
  maxCompletionTokens: 64,
};

async function serve(t: import('node:test').TestContext, ...args: Parameters<typeof startGroqServer>): Promise<GroqServer> {
  const server = await startGroqServer(...args);
  t.after(() => server.close());
  return server;
}

test('a good answer comes back parsed, asked for with the model, the key and a strict JSON schema', async (t) => {
  const server = await serve(t, { chat: () => answer({ greeting: 'hi' }) });
  const client = createGroqClient({ apiKey: 'k-123', baseURL: server.baseURL });
  const r = await client.requestJson(request);
  assert.deepEqual(r.ok && r.value, { greeting: 'hi' });
  const [sent] = server.chatRequests();
  assert.equal(sent.authorization, 'Bearer k-123');
  assert.equal(sent.body.model, 'openai/gpt-oss-120b');
  assert.deepEqual(sent.body.response_format, { type: 'json_schema', json_schema: { name: 'greeting', schema: request.jsonSchema, strict: true } });
});

test('a 429 with retry-after is waited out and the same request is sent again', async (t) => {
  const server = await serve(t, { chat: (_b, n) => (n === 0 ? rateLimited(1) : answer({ greeting: 'hi' })) });
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL });
  const r = await client.requestJson(request);
  assert.equal(r.ok, true);
  const [first, second] = server.chatRequests();
  assert.ok(second.at - first.at >= 950, `retried after ${second.at - first.at} ms, retry-after said 1 s`);
});

test('a retry-after longer than the cap defers, and every client on the store holds back until it passes', async (t) => {
  const server = await serve(t, { chat: () => rateLimited(120) });
  const path = tempStorePath(t);
  const storeA = openStore(path);
  const storeB = openStore(path);
  t.after(() => (storeA.close(), storeB.close()));
  const a = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, maxWaitMs: 2_000 }, storeA);
  const b = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, maxWaitMs: 2_000 }, storeB);
  await assert.rejects(a.requestJson(request), LlmDeferredError);
  await assert.rejects(b.requestJson(request), (err: Error) => err instanceof LlmDeferredError && /retry-after/.test(err.message));
  assert.equal(server.chatRequests().length, 1, 'the second client never reached the server');
});

test('a 500 is retried, and after the last attempt the failure says why', async (t) => {
  const server = await serve(t, { chat: () => serverError() });
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, maxAttempts: 3 });
  await assert.rejects(client.requestJson(request), (err: Error) => err instanceof LlmRequestFailedError && /3 attempts/.test(err.message) && /500/.test(err.message));
  assert.equal(server.chatRequests().length, 3);
});

test('a slow answer times out and the retry is used', async (t) => {
  const server = await serve(t, { chat: (_b, n) => (n === 0 ? answer({ greeting: 'late' }, { delayMs: 3_000 }) : answer({ greeting: 'hi' })) });
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, timeoutMs: 300 });
  const r = await client.requestJson(request);
  assert.deepEqual(r.ok && r.value, { greeting: 'hi' });
  assert.equal(server.chatRequests().length, 2);
});

test('malformed JSON is an invalid answer with the reason, not an exception', async (t) => {
  const server = await serve(t, { chat: () => answer('{"greeting": "hi"') });
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL });
  const r = await client.requestJson(request);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /not valid JSON/);
});

test('a decommissioned model is an error that names the model and the one to pick instead', async (t) => {
  const server = await serve(t, { chat: (b) => decommissioned(b.model) });
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, model: 'llama-3.3-70b-versatile' });
  await assert.rejects(client.requestJson(request), (err: Error) => {
    assert.ok(err instanceof ModelUnavailableError);
    assert.match(err.message, /"llama-3\.3-70b-versatile" has been decommissioned/);
    assert.match(err.message, /Pick "openai\/gpt-oss-120b" instead/);
    return true;
  });
  assert.equal(server.chatRequests().length, 1, 'a retired model is not retried');
});

test('a refused key is an error that says where to fix it', async (t) => {
  const server = await serve(t, { chat: () => ({ status: 401, body: { error: { message: 'Invalid API Key', code: 'invalid_api_key' } } }) });
  const client = createGroqClient({ apiKey: 'wrong', baseURL: server.baseURL });
  await assert.rejects(client.requestJson(request), (err: Error) => err instanceof GroqAuthError && /GROQ_API_KEY/.test(err.message));
});

test('the model list is read from the API, active models first and the default at the top', async (t) => {
  const server = await serve(t, {
    models: [
      { id: 'llama-3.1-8b-instant', owned_by: 'Meta', active: true },
      { id: 'old-model', owned_by: 'Meta', active: false },
      { id: 'openai/gpt-oss-120b', owned_by: 'OpenAI', active: true, context_window: 131072 },
    ],
  });
  const models = await listModels({ apiKey: 'k', baseURL: server.baseURL });
  assert.deepEqual(models.map((m) => m.id), ['openai/gpt-oss-120b', 'llama-3.1-8b-instant', 'old-model']);
  assert.equal(models[0].contextWindow, 131072);
  assert.equal(models[2].active, false);
});

test('settings come from the environment when no flag sets them, and a missing key says how to set it', () => {
  const s = resolveGroqSettings({ rpm: 5 }, { GROQ_API_KEY: 'k', GROQ_BASE_URL: 'http://127.0.0.1:9/openai/v1/', GROQ_MODEL: 'm', GROQ_RPM: '99', GROQ_TPM: '1234' });
  assert.deepEqual([s.baseURL, s.model, s.rpm, s.tpm], ['http://127.0.0.1:9', 'm', 5, 1234]);
  assert.throws(() => resolveGroqSettings({}, {}), (err: Error) => err instanceof MissingGroqKeyError && /GROQ_API_KEY is not set/.test(err.message));
});
