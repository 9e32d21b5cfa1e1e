import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { openStore } from '../lib/store/store';
import { createGroqClient } from '../lib/llm/client';
import { BudgetTooSmallError, holdRequests, reserveRequest, settleRequest } from '../lib/llm/budget';
import type { Db } from '../lib/store/db';
import { bothDrivers, freshLocation, openForTest, TEST_DRIVERS } from './support/stores';
import { llmUsage } from '../lib/llm/usage';
import { startGroqServer } from './support/groqServer';
import { tempStorePath } from './support/tmp';

const req = {
  purpose: 'enrich' as const,
  schemaName: 'company_profile',
  jsonSchema: { type: 'object' },
  validator: z.unknown(),
  messages: [{ role: 'user' as const, content: 'profile' }],
  maxCompletionTokens: 32,
};

test('requests counted by the server never exceed the RPM in any window, and all of them are answered', async (t) => {
  const server = await startGroqServer({ latencyMs: 20 });
  t.after(() => server.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, rpm: 3, windowMs: 1_000, tpm: 1_000_000, concurrency: 4 }, store);
  const answers = await Promise.all(Array.from({ length: 10 }, () => client.requestJson(req)));
  assert.equal(answers.filter((a) => a.ok).length, 10);
  assert.equal(server.chatRequests().length, 10);
  assert.equal(server.maxInAnyWindow(1_000), 3);
  assert.equal((await llmUsage(store)).requests, 10);
});

test('no more requests are in flight at once than the concurrency allows', async (t) => {
  const server = await startGroqServer({ latencyMs: 100 });
  t.after(() => server.close());
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, rpm: 1_000, tpm: 1_000_000, concurrency: 2 });
  await Promise.all(Array.from({ length: 8 }, () => client.requestJson(req)));
  assert.equal(server.chatRequests().length, 8);
  assert.equal(server.maxConcurrent(), 2);
});

test('two processes on one store share one budget', async (t) => {
  const server = await startGroqServer({ latencyMs: 20 });
  t.after(() => server.close());
  const path = tempStorePath(t);
  openStore(path).close(); // migrate once, before both workers start
  const worker = join(__dirname, 'support', 'groqBudgetWorker.ts');
  const run = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker, path, server.baseURL, '4', '1500', '6'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}`))));
    });
  const [a, b] = await Promise.all([run(), run()]);
  assert.deepEqual([a, b], ['6', '6']);
  assert.equal(server.chatRequests().length, 12);
  assert.ok(server.maxInAnyWindow(1_500) <= 4, `the server saw ${server.maxInAnyWindow(1_500)} requests in one window, budget 4`);
});

/** Reserve at `at` and settle as answered `latency` ms later; returns whether the reservation was granted. */
async function answered(store: Db, limits: Parameters<typeof reserveRequest>[1], tokens: number, at: number, latency: number): Promise<boolean> {
  const r = await reserveRequest(store, limits, { purpose: 'enrich', model: 'm', tokens }, at);
  if (r.ok) await settleRequest(store, r.id, { outcome: 'ok', latencyMs: latency });
  return r.ok;
}

bothDrivers('a full RPM window says to wait until a window after the oldest answer came back', async (t, store) => {
  const limits = { rpm: 2, tpm: 1_000_000, windowMs: 10_000 };
  assert.equal(await answered(store, limits, 10, 1_000, 300), true);
  assert.equal(await answered(store, limits, 10, 2_000, 300), true);
  assert.deepEqual(await reserveRequest(store, limits, { purpose: 'enrich', model: 'm', tokens: 10 }, 3_000), { ok: false, waitMs: 1_300 + 10_000 - 3_000, reason: 'rpm' });
  assert.equal(await answered(store, limits, 10, 11_300, 300), true);
});

bothDrivers('a request still waiting for its answer keeps its slot: a waiter looks again a window later at the earliest', async (t, store) => {
  const limits = { rpm: 1, tpm: 1_000_000, windowMs: 10_000 };
  assert.equal((await reserveRequest(store, limits, { purpose: 'enrich', model: 'm', tokens: 10 }, 1_000)).ok, true);
  assert.deepEqual(await reserveRequest(store, limits, { purpose: 'enrich', model: 'm', tokens: 10 }, 50_000), { ok: false, waitMs: 10_000, reason: 'rpm' });
});

bothDrivers('a request whose tokens would pass the TPM waits for earlier tokens to leave the window', async (t, store) => {
  const limits = { rpm: 100, tpm: 1_000, windowMs: 10_000 };
  assert.equal(await answered(store, limits, 600, 1_000, 500), true);
  const r = await reserveRequest(store, limits, { purpose: 'enrich', model: 'm', tokens: 600 }, 2_000);
  assert.deepEqual(r, { ok: false, waitMs: 1_500 + 10_000 - 2_000, reason: 'tpm' });
  assert.equal(await answered(store, limits, 400, 2_000, 500), true);
});

bothDrivers('a 429 holds every process back until it passes, and a later hold wins over an earlier one', async (t, store) => {
  const limits = { rpm: 100, tpm: 1_000_000, windowMs: 10_000 };
  await holdRequests(store, 5_000);
  await holdRequests(store, 3_000);
  assert.deepEqual(await reserveRequest(store, limits, { purpose: 'enrich', model: 'm', tokens: 10 }, 1_000), { ok: false, waitMs: 4_000, reason: 'hold' });
  assert.equal((await reserveRequest(store, limits, { purpose: 'enrich', model: 'm', tokens: 10 }, 5_001)).ok, true);
});

for (const driver of TEST_DRIVERS) {
  test(`four workers on their own connections reserving at once share one RPM budget [${driver}]`, async (t) => {
    const location = await freshLocation(t, driver);
    const workers = await Promise.all([1, 2, 3, 4].map(() => openForTest(t, location)));
    const limits = { rpm: 5, tpm: 1_000_000, windowMs: 60_000 };
    const granted = await Promise.all(
      workers.flatMap((w) => Array.from({ length: 5 }, () => reserveRequest(w, limits, { purpose: 'enrich', model: 'm', tokens: 10 }, 1_000))),
    );
    assert.equal(granted.filter((r) => r.ok).length, 5, 'an RPM of 5 admits 5, however many workers ask at once');
  });
}

bothDrivers('a request bigger than the whole TPM is refused with the flag to raise', async (t, store) => {
  await assert.rejects(
    reserveRequest(store, { rpm: 30, tpm: 500, windowMs: 60_000 }, { purpose: 'enrich', model: 'm', tokens: 800 }),
    (err: Error) => err instanceof BudgetTooSmallError && /--groq-tpm/.test(err.message),
  );
});
