/**
 * The enrichment cache: a validated company-level answer, keyed by (company domain, prompt version, model), so 500
 * leads from 40 companies cost at most 40 calls, and a new prompt or model never serves a stale answer.
 *
 * It holds across processes and hosts (n8n queue-mode workers on one PostgreSQL store): the first to miss a key
 * takes a lease on asking for it — a row in `llm_holds`, the table of "hold off until" times where the budget's 429
 * hold lives — and the others wait for its answer to land in the cache rather than pay for their own. A lease ends
 * when its holder's ask is done (answered: the waiters read the cache; failed: the next one asks) or lapses (its
 * process died). Answers are upserts, so two landing at once (after a lapse) never fail on the key.
 */
import type { Db } from '../store/db';
import { jsonOf } from '../store/rowMapper';
import { PENDING_CAP_MS } from './budget';
import { LlmDeferredError } from './errors';

export interface CacheKey {
  companyDomain: string;
  promptVersion: string;
  model: string;
}

/** A cached value: JSON, validated before putCached stored it (the caller validates it again as it reads it). */
const cachedValue = jsonOf<unknown>();

/** The cached value, counting the hit; undefined on a miss. */
export async function takeCached(db: Db, k: CacheKey): Promise<unknown> {
  const row = await db.get(
    'UPDATE llm_cache SET hits = hits + 1 WHERE company_domain = ? AND prompt_version = ? AND model = ? RETURNING value',
    [k.companyDomain, k.promptVersion, k.model],
  );
  return row && cachedValue(row[0], 'llm_cache.value');
}

export async function putCached(db: Db, k: CacheKey, value: unknown, now: string): Promise<void> {
  await db.run(
    `INSERT INTO llm_cache (company_domain, prompt_version, model, value, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (company_domain, prompt_version, model) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
    [k.companyDomain, k.promptVersion, k.model, JSON.stringify(value), now],
  );
}

/**
 * How long a lease on asking holds when its holder never ends it: longer than any one ask can take (its requests'
 * budget waits and timeouts), as a request's budget slot is.
 */
export const ASKING_LEASE_MS = PENDING_CAP_MS;
const POLL_MS = 200;

const leaseName = (k: CacheKey) => `cache:${k.companyDomain.toLowerCase()}|${k.promptVersion}|${k.model}`;

/** Take the lease on asking for `k` until `untilMs`: true when nobody holds it, or their lease lapsed by `nowMs`. */
export async function leaseAsking(db: Db, k: CacheKey, untilMs: number, nowMs: number): Promise<boolean> {
  const changed = await db.run(
    `INSERT INTO llm_holds (name, until_ms) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET until_ms = excluded.until_ms WHERE llm_holds.until_ms <= ?`,
    [leaseName(k), untilMs, nowMs],
  );
  return changed === 1;
}

/** End the lease taken until `untilMs` (a lease another process took after this one lapsed is left alone). */
export async function releaseAsking(db: Db, k: CacheKey, untilMs: number): Promise<void> {
  await db.run('DELETE FROM llm_holds WHERE name = ? AND until_ms = ?', [leaseName(k), untilMs]);
}

export type Asked<T> = { value: T } | { value: null; reason: string };
export type CachedOrAsked<T> = { value: T; via: 'cache' | 'model' } | { value: null; reason: string };

export interface CacheAsk<T> {
  /** The cached value if it is still a valid answer, else undefined (then it is asked for again and replaced). */
  read: (cached: unknown) => T | undefined;
  /** Ask the model; a valid value is cached. */
  ask: () => Promise<Asked<T>>;
  /** How long to wait for another process's answer before deferring (the client's cap on any wait). */
  maxWaitMs: number;
}

/**
 * The value for `k`: from the cache, from the answer another process is asking for (waited for), or asked here
 * under the lease. Throws LlmDeferredError when another process's ask outlasts `maxWaitMs`.
 */
export async function cachedOrAsked<T>(db: Db, k: CacheKey, o: CacheAsk<T>): Promise<CachedOrAsked<T>> {
  const deadline = Date.now() + o.maxWaitMs;
  for (;;) {
    const hit = o.read(await takeCached(db, k));
    if (hit !== undefined) return { value: hit, via: 'cache' };
    const now = Date.now();
    const until = now + ASKING_LEASE_MS;
    if (await leaseAsking(db, k, until, now)) {
      try {
        const r = await o.ask();
        if ('reason' in r) return r;
        await putCached(db, k, r.value, new Date().toISOString());
        return { value: r.value, via: 'model' };
      } finally {
        await releaseAsking(db, k, until);
      }
    }
    if (Date.now() >= deadline) throw new LlmDeferredError(ASKING_LEASE_MS, `another process's request about ${k.companyDomain}`);
    // A little jitter, so waiters on one company do not all look on the same millisecond.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS + Math.floor(Math.random() * 50)));
  }
}
