import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../lib/store/store';
import { ingestLeads } from '../lib/leads/ingest';
import { countLeadsByStatus, listLeads } from '../lib/store/leads';
import { getEnrichment } from '../lib/store/enrichments';
import { createGroqClient } from '../lib/llm/client';
import { ModelUnavailableError } from '../lib/llm/models';
import { fallbacksFor } from '../lib/llm/fallbacks';
import { llmUsage } from '../lib/llm/usage';
import { enrichNewLeadsWithAi } from '../lib/enrich/aiStage';
import { answer, decommissioned, good, rateLimited, startGroqServer, type ChatScript, type GroqServer } from './support/groqServer';
import { companyProfile } from './support/groqFakeModel';
import { leadsFromCompanies } from './support/groqLeads';
import { tempStorePath } from './support/tmp';

async function setup(t: TestContext, leads: number, companies: number, chat?: ChatScript): Promise<{ store: Store; server: GroqServer }> {
  const server = await startGroqServer({ chat });
  t.after(() => server.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  store.tx(() => ingestLeads(store, leadsFromCompanies(leads, companies), new Date().toISOString()));
  return { store, server };
}

const fast = (baseURL: string, model?: string) => ({ apiKey: 'k', baseURL, rpm: 10_000, tpm: 100_000_000, concurrency: 8, model });

test('500 leads from 40 companies cost 40 enrichment calls; the cache serves the other 460', async (t) => {
  const { store, server } = await setup(t, 500, 40);
  const tally = await enrichNewLeadsWithAi(store, createGroqClient(fast(server.baseURL), store), { batchSize: 100 });
  assert.equal(server.chatRequests().length, 40);
  assert.deepEqual({ enriched: tally.enriched, byModel: tally.byModel, fromCache: tally.fromCache }, { enriched: 500, byModel: 40, fromCache: 460 });
  assert.equal((await llmUsage(store)).callsSavedByCache, 460);
  assert.equal(countLeadsByStatus(store).ENRICHED, 500);
});

test('provenance says model for the company fields and rule for the person fields', async (t) => {
  const { store, server } = await setup(t, 3, 1);
  await enrichNewLeadsWithAi(store, createGroqClient(fast(server.baseURL), store));
  const e = getEnrichment(store, listLeads(store, {}).leads[0].id)!;
  assert.deepEqual(e.provenance, { companySize: 'model', painPoints: 'model', buyingTriggers: 'model', confidence: 'model', persona: 'rule', seniority: 'rule' });
  assert.deepEqual(e.painPoints, companyProfile({ model: '', messages: [] }).painPoints);
  assert.equal(e.source, 'openai/gpt-oss-120b');
});

test('the cache is keyed by model: a run with another model asks again, a run with the same one does not', async (t) => {
  const server = await startGroqServer();
  t.after(() => server.close());
  const path = tempStorePath(t);
  const leads = leadsFromCompanies(6, 2);
  for (const [model, expected] of [['openai/gpt-oss-120b', 2], ['openai/gpt-oss-120b', 2], ['openai/gpt-oss-20b', 4]] as const) {
    const store = openStore(path);
    store.exec("DELETE FROM enrichments; DELETE FROM leads");
    store.tx(() => ingestLeads(store, leads, new Date().toISOString()));
    await enrichNewLeadsWithAi(store, createGroqClient(fast(server.baseURL, model), store));
    store.close();
    assert.equal(server.chatRequests().length, expected, `after a run with ${model}`);
  }
});

test('malformed JSON gets one repair request, then the rules serve the lead and the fallback is recorded', async (t) => {
  const { store, server } = await setup(t, 2, 1, () => answer('{"companySize": "51-200", "painPoints": ['));
  const tally = await enrichNewLeadsWithAi(store, createGroqClient(fast(server.baseURL), store));
  assert.equal(server.chatRequests().length, 2, 'one request and one repair for the company, none per later lead');
  assert.equal(tally.fellBack, 2);
  const lead = listLeads(store, {}).leads[0];
  const e = getEnrichment(store, lead.id)!;
  assert.equal(e.source, 'rules-v1');
  assert.ok(Object.values(e.provenance).every((p) => p === 'rule'));
  const [fallback] = await fallbacksFor(store, lead.id);
  assert.equal(fallback.usedInstead, 'rules-v1');
  assert.match(fallback.reason, /not valid JSON/);
});

test('a schema-breaking answer is repaired with the problem named, and the repaired answer is used', async (t) => {
  const { store, server } = await setup(t, 1, 1, (body, n) =>
    n === 0 ? answer({ ...companyProfile(body), companySize: 'huge' }) : good(body),
  );
  const tally = await enrichNewLeadsWithAi(store, createGroqClient(fast(server.baseURL), store));
  assert.equal(tally.byModel, 1);
  const repair = server.chatRequests()[1].body.messages;
  assert.equal(repair.at(-2)!.role, 'assistant');
  assert.match(repair.at(-1)!.content, /companySize/);
});

test('a truncated answer (cut off at the token limit) is treated as invalid', async (t) => {
  const { store, server } = await setup(t, 1, 1, (body) => answer(JSON.stringify(companyProfile(body)).slice(0, 30), { finishReason: 'length' }));
  await enrichNewLeadsWithAi(store, createGroqClient(fast(server.baseURL), store));
  const [fallback] = await fallbacksFor(store, listLeads(store, {}).leads[0].id);
  assert.match(fallback.reason, /cut off/);
});

test('a decommissioned model stops the stage with the named error and leaves the leads NEW', async (t) => {
  const { store, server } = await setup(t, 5, 2, (body) => decommissioned(body.model));
  await assert.rejects(
    enrichNewLeadsWithAi(store, createGroqClient(fast(server.baseURL, 'llama-3.3-70b-versatile'), store)),
    (err: Error) => err instanceof ModelUnavailableError && err.message.includes('openai/gpt-oss-120b'),
  );
  assert.equal(countLeadsByStatus(store).NEW, 5);
});

test('a retry-after past the cap defers the leads: they stay NEW, with no fallback, for the next run', async (t) => {
  const { store, server } = await setup(t, 4, 4, () => rateLimited(600));
  const tally = await enrichNewLeadsWithAi(store, createGroqClient({ ...fast(server.baseURL), concurrency: 1, maxWaitMs: 1_000 }, store));
  assert.deepEqual({ enriched: tally.enriched, deferred: tally.deferred }, { enriched: 0, deferred: 4 });
  assert.equal(countLeadsByStatus(store).NEW, 4);
  assert.equal(server.chatRequests().length, 1, 'the hold from the first 429 keeps the rest from asking');
  assert.equal(store.stmt("SELECT count(*) AS n FROM events WHERE type = 'llm_fallback'").get()?.n, 0);
});
