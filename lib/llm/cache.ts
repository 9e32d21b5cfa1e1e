/**
 * The enrichment cache: a validated company-level answer, keyed by (company domain, prompt version, model), so 500
 * leads from 40 companies cost at most 40 calls, and a new prompt or model never serves a stale answer.
 */
import type { Store } from '../store/store';
import { jsonOf } from '../store/rowMapper';

export interface CacheKey {
  companyDomain: string;
  promptVersion: string;
  model: string;
}

/** A cached value: JSON, validated before putCached stored it (the caller validates it again as it reads it). */
const cachedValue = jsonOf<unknown>();

/** The cached value, counting the hit; undefined on a miss. */
export function takeCached(store: Store, k: CacheKey): unknown {
  const row = store
    .rows('SELECT value FROM llm_cache WHERE company_domain = ? AND prompt_version = ? AND model = ?')
    .get(k.companyDomain, k.promptVersion, k.model);
  if (!row) return undefined;
  store
    .stmt('UPDATE llm_cache SET hits = hits + 1 WHERE company_domain = ? AND prompt_version = ? AND model = ?')
    .run(k.companyDomain, k.promptVersion, k.model);
  return cachedValue(row[0], 'llm_cache.value');
}

export function putCached(store: Store, k: CacheKey, value: unknown, now: string): void {
  store
    .stmt(
      `INSERT INTO llm_cache (company_domain, prompt_version, model, value, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (company_domain, prompt_version, model) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
    )
    .run(k.companyDomain, k.promptVersion, k.model, JSON.stringify(value), now);
}
