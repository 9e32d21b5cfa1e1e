/** What AI mode has cost: requests and tokens by purpose and outcome, and the calls the enrichment cache saved. */
import type { Store } from '../store/store';

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

export function llmUsage(store: Store, sinceMs = 0): LlmUsage {
  const usage: LlmUsage = {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    byPurpose: {},
    byOutcome: {},
    callsSavedByCache: 0,
    cachedCompanies: 0,
  };
  for (const r of store
    .stmt(
      `SELECT purpose, outcome, count(*) AS n, COALESCE(sum(prompt_tokens), 0) AS p, COALESCE(sum(completion_tokens), 0) AS c
       FROM llm_requests WHERE at_ms >= ? GROUP BY purpose, outcome`,
    )
    .all(sinceMs)) {
    const n = Number(r.n);
    const p = Number(r.p);
    const c = Number(r.c);
    usage.requests += n;
    usage.promptTokens += p;
    usage.completionTokens += c;
    const purpose = (usage.byPurpose[r.purpose as string] ??= { requests: 0, tokens: 0 });
    purpose.requests += n;
    purpose.tokens += p + c;
    usage.byOutcome[r.outcome as string] = (usage.byOutcome[r.outcome as string] ?? 0) + n;
  }
  const cache = store.stmt('SELECT count(*) AS n, COALESCE(sum(hits), 0) AS hits FROM llm_cache').get();
  usage.callsSavedByCache = Number(cache?.hits ?? 0);
  usage.cachedCompanies = Number(cache?.n ?? 0);
  return usage;
}
