/** What AI mode has cost: requests and tokens by purpose and outcome, and the calls the enrichment cache saved. */
import type { Db } from '../store/db';
import { int, text } from '../store/rowMapper';

export interface LlmUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  byPurpose: Record<string, { requests: number; tokens: number }>;
  byOutcome: Record<string, number>;
  /** Cache hits: enrichment calls that were not made. */
  callsSavedByCache: number;
  cachedCompanies: number;
}

export async function llmUsage(db: Db, sinceMs = 0): Promise<LlmUsage> {
  const usage: LlmUsage = {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    byPurpose: {},
    byOutcome: {},
    callsSavedByCache: 0,
    cachedCompanies: 0,
  };
  const rows = await db.all(
    `SELECT purpose, outcome, count(*) AS n, COALESCE(sum(prompt_tokens), 0) AS p, COALESCE(sum(completion_tokens), 0) AS c
     FROM llm_requests WHERE at_ms >= ? GROUP BY purpose, outcome`,
    [sinceMs],
  );
  for (const r of rows) {
    const purposeName = text(r[0], 'llm_requests.purpose');
    const outcome = text(r[1], 'llm_requests.outcome');
    const n = int(r[2], 'count(llm_requests)');
    const p = int(r[3], 'sum(llm_requests.prompt_tokens)');
    const c = int(r[4], 'sum(llm_requests.completion_tokens)');
    usage.requests += n;
    usage.promptTokens += p;
    usage.completionTokens += c;
    const purpose = (usage.byPurpose[purposeName] ??= { requests: 0, tokens: 0 });
    purpose.requests += n;
    purpose.tokens += p + c;
    usage.byOutcome[outcome] = (usage.byOutcome[outcome] ?? 0) + n;
  }
  const cache = (await db.get('SELECT count(*) AS n, COALESCE(sum(hits), 0) AS hits FROM llm_cache'))!;
  usage.callsSavedByCache = int(cache[1], 'sum(llm_cache.hits)');
  usage.cachedCompanies = int(cache[0], 'count(llm_cache)');
  return usage;
}
