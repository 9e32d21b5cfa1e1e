/**
 * AI mode on either database: the enrich and personalize stages, and the one-lead paths the nodes use, run on a
 * fresh SQLite file and on a fresh PostgreSQL database alike, through the real groq-sdk against the local Groq
 * stand-in. What is checked is what the stand-in received (requests paid for) and what the store holds.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../lib/store/db';
import type { AnyStore } from '../lib/store/openDb';
import { ingestLeadsOn } from '../lib/leads/ingest';
import { leadsByIdsOn } from '../lib/store/leads';
import { enrichmentsOfOn } from '../lib/store/enrichments';
import { messagesForLeadsOn } from '../lib/store/messages';
import { createGroqClient, type GroqClient } from '../lib/llm/client';
import { fallbacksFor } from '../lib/llm/fallbacks';
import { leaseAsking } from '../lib/llm/cache';
import { ENRICH_PROMPT_VERSION } from '../lib/enrich/aiCompanyPrompt';
import { enrichNewLeadsWithAi } from '../lib/enrich/aiStage';
import { enrichLeadWithAi } from '../lib/enrich/aiEnrichLead';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeEnrichedWithAi } from '../lib/personalize/aiStage';
import { personalizeLeadWithAi } from '../lib/personalize/aiPersonalizeLead';
import type { GroqSettingsInput } from '../lib/llm/settings';
import { answer, good, rateLimited, startGroqServer, type ChatScript, type GroqServer } from './support/groqServer';
import { outreachCopy } from './support/groqFakeModel';
import { leadsFromCompanies } from './support/groqLeads';
import { bothDrivers, openForTest } from './support/stores';

async function groq(t: TestContext, chat?: ChatScript): Promise<GroqServer> {
  const server = await startGroqServer({ chat });
  t.after(() => server.close());
  return server;
}

/** `n` NEW leads spread over `companies` companies (or these leads); their ids in order. */
async function seed(db: Db, n: number, companies: number, leads = leadsFromCompanies(n, companies)): Promise<number[]> {
  const r = await db.transaction((t) => ingestLeadsOn(t, leads, new Date().toISOString()));
  return r.inserted.map((i) => i.id);
}

function client(db: Db, server: GroqServer, o: Partial<GroqSettingsInput> = {}): GroqClient {
  return createGroqClient({ apiKey: 'k', baseURL: server.baseURL, rpm: 10_000, tpm: 100_000_000, ...o }, db);
}

const profileRequests = (server: GroqServer) => server.chatRequests().filter((r) => r.body.response_format?.json_schema?.name === 'company_profile');

async function statuses(db: Db, ids: number[]): Promise<string[]> {
  const leads = await leadsByIdsOn(db, ids);
  return ids.map((id) => leads.get(id)!.status);
}

bothDrivers('AI enrichment writes each lead\'s enrichment, and a second lead of a company costs no request: the cache serves it', async (t, db) => {
  const server = await groq(t);
  const people = leadsFromCompanies(8, 2);
  const ids = await seed(db, 6, 2, people.slice(0, 6));
  const tally = await enrichNewLeadsWithAi(db, client(db, server, { concurrency: 3 }));
  assert.equal(server.chatRequests().length, 2, 'one request per company');
  assert.deepEqual({ enriched: tally.enriched, byModel: tally.byModel, fromCache: tally.fromCache, fellBack: tally.fellBack }, { enriched: 6, byModel: 2, fromCache: 4, fellBack: 0 });
  assert.deepEqual(await statuses(db, ids), Array(6).fill('ENRICHED'));
  const enrichments = await enrichmentsOfOn(db, ids);
  for (const id of ids) {
    const e = enrichments.get(id)!;
    assert.equal(e.source, 'openai/gpt-oss-120b');
    assert.deepEqual([e.provenance.companySize, e.provenance.painPoints, e.provenance.persona], ['model', 'model', 'rule']);
  }
  assert.deepEqual(await db.all('SELECT count(*), sum(hits) FROM llm_cache'), [[2, 4]], 'two companies cached, four hits');
  assert.deepEqual(await db.all("SELECT purpose, outcome, count(*) FROM llm_requests GROUP BY purpose, outcome"), [['enrich', 'ok', 2]]);

  // A later run (another execution, a new session) with the same model asks nothing: the store's cache answers.
  await seed(db, 2, 2, people.slice(6));
  const later = await enrichNewLeadsWithAi(db, client(db, server));
  assert.deepEqual({ enriched: later.enriched, fromCache: later.fromCache }, { enriched: 2, fromCache: 2 });
  assert.equal(server.chatRequests().length, 2);
});

bothDrivers('two workers asking for one company at once pay for it once: the second waits for the first one\'s answer', async (t, db) => {
  // Slow answers, so both workers miss the cache while the first request is out.
  const server = await groq(t, (body) => good(body, 400));
  const [first, second] = await seed(db, 2, 1);
  // Two workers: each its own connection(s) to the store, its own client and session.
  const other = await openForTest(t, db.location);
  const [a, b] = await Promise.all([enrichLeadWithAi(db, client(db, server), first), enrichLeadWithAi(other, client(other, server), second)]);
  assert.equal(profileRequests(server).length, 1, 'one request for the company, not one per worker');
  const vias = [a, b].map((r) => (r.outcome === 'enriched' ? r.via : r.outcome)).sort();
  assert.deepEqual(vias, ['cache', 'model']);
  assert.deepEqual(await statuses(db, [first, second]), ['ENRICHED', 'ENRICHED']);
  assert.deepEqual(await db.all("SELECT count(*) FROM llm_holds WHERE name LIKE 'cache:%'"), [[0]], 'the lease is released once the answer is in');
});

bothDrivers('a lease left by a worker that died defers its company\'s leads up to the cap; once it lapses, the next run asks', async (t, db) => {
  const server = await groq(t);
  const ids = await seed(db, 1, 1);
  const key = { companyDomain: (await leadsByIdsOn(db, ids)).get(ids[0])!.companyDomain, promptVersion: ENRICH_PROMPT_VERSION, model: 'openai/gpt-oss-120b' };
  const lapsesAt = Date.now() + 800;
  assert.ok(await leaseAsking(db, key, lapsesAt, Date.now()), 'the dead worker took the lease');
  const held = await enrichNewLeadsWithAi(db, client(db, server, { maxWaitMs: 300 }));
  assert.deepEqual({ enriched: held.enriched, deferred: held.deferred }, { enriched: 0, deferred: 1 });
  assert.equal(server.chatRequests().length, 0);
  await new Promise((resolve) => setTimeout(resolve, lapsesAt - Date.now() + 10));
  const lapsed = await enrichNewLeadsWithAi(db, client(db, server, { maxWaitMs: 300 }));
  assert.deepEqual({ enriched: lapsed.enriched, byModel: lapsed.byModel }, { enriched: 1, byModel: 1 });
  assert.equal(server.chatRequests().length, 1);
});

bothDrivers('AI enrichment keeps to the shared budget: no more requests reach the server in any window than the RPM', async (t, db) => {
  const server = await groq(t);
  const ids = await seed(db, 5, 5);
  const tally = await enrichNewLeadsWithAi(db, client(db, server, { rpm: 2, windowMs: 500, concurrency: 4 }));
  assert.equal(tally.enriched, 5);
  assert.equal(server.chatRequests().length, 5);
  assert.equal(server.maxInAnyWindow(500), 2);
  assert.deepEqual(await statuses(db, ids), Array(5).fill('ENRICHED'));
});

bothDrivers('a model that cannot profile a company falls back to the rules for its leads, with the fallback recorded', async (t, db) => {
  const server = await groq(t, () => answer('{"companySize": "51-200", "painPoints": ['));
  const ids = await seed(db, 2, 1);
  const tally = await enrichNewLeadsWithAi(db, client(db, server));
  assert.equal(server.chatRequests().length, 2, 'one request and one repair for the company, none for its second lead');
  assert.deepEqual({ enriched: tally.enriched, fellBack: tally.fellBack }, { enriched: 2, fellBack: 2 });
  const enrichments = await enrichmentsOfOn(db, ids);
  for (const id of ids) {
    assert.equal(enrichments.get(id)!.source, 'rules-v1');
    const [fallback, ...more] = await fallbacksFor(db, id);
    assert.deepEqual(more, []);
    assert.deepEqual([fallback.stage, fallback.usedInstead], ['enrich', 'rules-v1']);
    assert.match(fallback.reason, /not valid JSON/);
  }
  assert.deepEqual(await db.all('SELECT count(*) FROM llm_cache'), [[0]], 'nothing cached from a failed answer');
});

bothDrivers('a retry-after past the cap defers the leads: they stay NEW, with no fallback, and the hold stops the rest asking', async (t, db) => {
  const server = await groq(t, () => rateLimited(600));
  const ids = await seed(db, 3, 3);
  const tally = await enrichNewLeadsWithAi(db, client(db, server, { concurrency: 1, maxWaitMs: 1_000 }));
  assert.deepEqual({ enriched: tally.enriched, deferred: tally.deferred }, { enriched: 0, deferred: 3 });
  assert.equal(server.chatRequests().length, 1);
  assert.deepEqual(await statuses(db, ids), ['NEW', 'NEW', 'NEW']);
  assert.deepEqual(await db.all("SELECT count(*) FROM events WHERE type = 'llm_fallback'"), [[0]]);
});

/** `n` ENRICHED leads (offline rules), ready for AI personalization. */
async function enrichedLeads(db: AnyStore, n: number, companies: number): Promise<number[]> {
  const ids = await seed(db, n, companies);
  await enrichChosen(db, ids);
  return ids;
}

const longEmail: ChatScript = (body) => {
  const copy = outreachCopy(body) as { email: { subject: string; body: string }; linkedin: { body: string } };
  return answer({ ...copy, email: { ...copy.email, body: copy.email.body + ' We help teams like yours move faster.'.repeat(20) } });
};

bothDrivers('AI personalization stores the model\'s drafts in each lead\'s variant and moves the leads to MESSAGED', async (t, db) => {
  const server = await groq(t);
  const ids = await enrichedLeads(db, 3, 3);
  const tally = await personalizeEnrichedWithAi(db, client(db, server), { channels: ['email', 'linkedin'] });
  assert.deepEqual({ messaged: tally.messaged, messages: tally.messages, byModel: tally.byModel, fellBack: tally.fellBack }, { messaged: 3, messages: 6, byModel: 6, fellBack: 0 });
  assert.equal(server.chatRequests().length, 3, 'one copy request per lead');
  assert.deepEqual(await statuses(db, ids), Array(3).fill('MESSAGED'));
  const leads = await leadsByIdsOn(db, ids);
  const messages = await messagesForLeadsOn(db, ids);
  for (const id of ids) {
    const mine = messages.get(id)!;
    assert.deepEqual(mine.map((m) => [m.channel, m.source, m.variant]), [
      ['email', 'groq:openai/gpt-oss-120b', leads.get(id)!.variant],
      ['linkedin', 'groq:openai/gpt-oss-120b', leads.get(id)!.variant],
    ]);
    assert.match(mine[0].body, /Best,\nAlex from Leadflow/);
  }
});

bothDrivers('copy that still breaks the contract after one regeneration falls back to the template for that channel, recorded', async (t, db) => {
  const server = await groq(t, longEmail);
  const [id] = await enrichedLeads(db, 1, 1);
  const tally = await personalizeEnrichedWithAi(db, client(db, server), { channels: ['email', 'linkedin'] });
  assert.equal(server.chatRequests().length, 2, 'the request and one regeneration');
  assert.deepEqual({ messaged: tally.messaged, byModel: tally.byModel, fellBack: tally.fellBack }, { messaged: 1, byModel: 1, fellBack: 1 });
  const stored = (await messagesForLeadsOn(db, [id])).get(id)!;
  assert.deepEqual(stored.map((m) => [m.channel, m.source]), [['email', 'templates-v1'], ['linkedin', 'groq:openai/gpt-oss-120b']]);
  const [fallback] = await fallbacksFor(db, id);
  assert.deepEqual([fallback.stage, fallback.usedInstead, fallback.channels], ['personalize', 'templates-v1', ['email']]);
  assert.match(fallback.reason, /^email: still broke the copy contract after one regeneration/);
});

bothDrivers('one chosen lead goes NEW → ENRICHED → MESSAGED in AI mode, and asking again changes nothing and costs nothing', async (t, db) => {
  const server = await groq(t);
  const [id, sibling] = await seed(db, 2, 1);
  const c = client(db, server);
  const e = await enrichLeadWithAi(db, c, id);
  assert.deepEqual(e.outcome === 'enriched' && [e.lead.status, e.via], ['ENRICHED', 'model']);
  assert.equal((await enrichLeadWithAi(db, c, id)).outcome, 'already_enriched');
  const s = await enrichLeadWithAi(db, c, sibling);
  assert.equal(s.outcome === 'enriched' && s.via, 'cache', 'its company was answered already');
  const p = await personalizeLeadWithAi(db, c, id, { channels: ['email'] });
  assert.equal(p.outcome, 'messaged');
  assert.deepEqual(p.outcome === 'messaged' && [p.lead.status, p.messages.map((m) => m.source)], ['MESSAGED', ['groq:openai/gpt-oss-120b']]);
  assert.equal((await personalizeLeadWithAi(db, c, id, { channels: ['email'] })).outcome, 'already_messaged');
  assert.equal(server.chatRequests().length, 2, 'one enrichment call, one copy call');
  assert.deepEqual(await statuses(db, [id, sibling]), ['MESSAGED', 'ENRICHED']);
});
