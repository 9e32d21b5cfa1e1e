import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../lib/store/store';
import { ingestLeads } from '../lib/leads/ingest';
import { getLead, listLeads } from '../lib/store/leads';
import { createGroqClient } from '../lib/llm/client';
import { enrichLeadWithAi } from '../lib/enrich/aiEnrichLead';
import { personalizeLeadWithAi } from '../lib/personalize/aiPersonalizeLead';
import { startGroqServer } from './support/groqServer';
import { leadsFromCompanies } from './support/groqLeads';
import { tempStorePath } from './support/tmp';

test('one chosen lead goes NEW → ENRICHED → MESSAGED in AI mode, and asking again changes nothing', async (t) => {
  const server = await startGroqServer();
  t.after(() => server.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  store.tx(() => ingestLeads(store, leadsFromCompanies(2, 1), new Date().toISOString()));
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL }, store);
  const id = listLeads(store, {}).leads[0].id;

  const e = await enrichLeadWithAi(store, client, id);
  assert.equal(e.outcome, 'enriched');
  assert.equal(e.outcome === 'enriched' && e.via, 'model');
  assert.equal((await enrichLeadWithAi(store, client, id)).outcome, 'already_enriched');

  const p = await personalizeLeadWithAi(store, client, id, { channels: ['email'] });
  assert.equal(p.outcome, 'messaged');
  assert.deepEqual(p.outcome === 'messaged' && p.messages.map((m) => m.source), ['groq:openai/gpt-oss-120b']);
  assert.equal(getLead(store, id)!.status, 'MESSAGED');
  assert.equal((await personalizeLeadWithAi(store, client, id, { channels: ['email'] })).outcome, 'already_messaged');
  assert.equal(server.chatRequests().length, 2, 'one enrichment call, one copy call');
});
