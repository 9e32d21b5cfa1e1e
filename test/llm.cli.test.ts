import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { leadflow, leadflowAsync } from './support/cli';
import { startGroqServer } from './support/groqServer';
import { tempStorePath } from './support/tmp';

test('`run --enrich ai --personalize ai` works against a Groq-compatible server named by GROQ_BASE_URL', async (t) => {
  const server = await startGroqServer();
  t.after(() => server.close());
  const db = tempStorePath(t);
  // Async: the server answers from this process, so the CLI must not block it.
  const child = leadflowAsync(['--db', db, 'run', '--leads', '12', '--enrich', 'ai', '--personalize', 'ai', '--groq-rpm', '500', '--json'], {
    GROQ_API_KEY: 'gsk-test',
    GROQ_BASE_URL: server.baseURL,
    GROQ_TPM: '10000000',
  });
  await once(child, 'exit');
  const out = child.output();
  assert.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  assert.equal(doc.leads.byStatus.MESSAGED, 12);
  assert.equal(doc.simulated.leads, 12);
  assert.equal(doc.run.ai.enrich.enriched, 12);
  assert.equal(doc.run.ai.personalize.byModel, 24);
  assert.equal(doc.llm.requests, server.chatRequests().length);
  assert.ok(server.chatRequests().every((r) => r.authorization === 'Bearer gsk-test'));
});

test('`run --enrich ai` without GROQ_API_KEY fails fast, says how to fix it, and leaves no store behind', (t) => {
  const db = tempStorePath(t);
  const r = leadflow(['--db', db, 'run', '--enrich', 'ai'], { GROQ_API_KEY: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /GROQ_API_KEY is not set/);
  assert.match(r.stderr, /--enrich offline --personalize template/);
  assert.equal(existsSync(db), false);
});

test('`run --personalize gpt` is refused with the modes it takes', (t) => {
  const r = leadflow(['--db', tempStorePath(t), 'run', '--personalize', 'gpt']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--personalize.*template, ai/);
});
