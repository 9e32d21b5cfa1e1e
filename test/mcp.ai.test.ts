/** AI mode over MCP: Groq through the real groq-sdk, pointed at a local server that speaks Groq's API. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../lib/store/store';
import { mcpOverStdio } from './support/mcpClient';
import { startGroqServer } from './support/groqServer';
import { tempStorePath } from './support/tmp';

test('without GROQ_API_KEY, mode "ai" says how to get a key and changes nothing', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, { GROQ_API_KEY: '' });
  await mcp.ok('generate_leads', { count: 3, seed: 8 });
  assert.match(await mcp.error('enrich_leads', { mode: 'ai' }), /GROQ_API_KEY is not set: .*https:\/\/console\.groq\.com\/keys/);
  const s = openStore(db);
  t.after(() => s.close());
  assert.equal(s.stmt("SELECT count(*) AS n FROM leads WHERE status = 'NEW'").get()?.n, 3);
});

test('mode "ai" enriches and writes through the model, and says how many answers came from it', async (t) => {
  const groq = await startGroqServer();
  t.after(() => groq.close());
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, {
    GROQ_API_KEY: 'gsk_test',
    GROQ_BASE_URL: groq.baseURL,
    // The free tier's budget would make this test wait a minute for tokens; the budget has tests of its own.
    GROQ_RPM: '1000',
    GROQ_TPM: '1000000',
  });
  await mcp.ok('generate_leads', { count: 4, seed: 13 });
  const e = await mcp.ok<{ mode: string; enriched: number; ai: { byModel: number; fromCache: number; fellBack: number } }>('enrich_leads', { mode: 'ai' });
  assert.equal(e.enriched, 4);
  assert.equal(e.ai.byModel + e.ai.fromCache + e.ai.fellBack, 4, JSON.stringify(e.ai));
  assert.ok(e.ai.byModel > 0, 'at least one company was asked of the model');
  const m = await mcp.ok<{ messaged: number; ai: { byModel: number } }>('generate_messages', { mode: 'ai', channels: ['email'] });
  assert.equal(m.messaged, 4);
  assert.ok(m.ai.byModel > 0);
  assert.ok(groq.chatRequests().length > 0, 'the model was asked');
  const s = openStore(db);
  t.after(() => s.close());
  assert.ok(Number(s.stmt("SELECT count(*) AS n FROM enrichments WHERE source <> 'rules-v1'").get()?.n) > 0);
  assert.ok(Number(s.stmt("SELECT count(*) AS n FROM messages WHERE source <> 'template-v1'").get()?.n) > 0);
});
