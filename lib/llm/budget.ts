/**
 * The RPM/TPM budget, kept in the store so every process on it shares it — on any host, with a PostgreSQL store. A
 * request may go out only after it is reserved here: in one transaction, under the budget's lock (SQLite's write
 * lock; an advisory lock on PostgreSQL), we read the requests still holding a slot and either insert this one or say
 * how long to wait. Tokens are reserved as an estimate and settled to the server's count.
 *
 * A request holds its slot from its reservation until one window after its answer (or failure) came back. The
 * server sees it somewhere in between, however late it was sent or however busy the event loop was, so any RPM+1
 * requests the server sees within one window would have had to be admitted while RPM slots were held: the requests
 * a server counts never exceed the RPM in any window, whichever process sent them. (Holding the slot from the
 * reservation time alone is not enough: a request reserved early but delivered late can share a server window with
 * one reserved a full window later — the real-clock bench caught exactly that under load.)
 */
import { LeadflowError } from '../errors';
import { greatest, type Db } from '../store/db';
import { int, intOrNull } from '../store/rowMapper';

export interface BudgetLimits {
  rpm: number;
  tpm: number;
  windowMs: number;
}

export interface RequestTicket {
  purpose: string;
  model: string;
  /** Estimated prompt + completion tokens. */
  tokens: number;
}

export type Reservation = { ok: true; id: number; atMs: number } | { ok: false; waitMs: number; reason: 'rpm' | 'tpm' | 'hold' };

export interface Settlement {
  outcome: 'ok' | 'invalid' | 'rate_limited' | 'error';
  promptTokens?: number;
  completionTokens?: number;
  latencyMs?: number;
  error?: string;
}

/**
 * How long a request without an answer keeps its slot before it is presumed lost (its process died mid-request).
 * Longer than any timeout the settings allow.
 */
export const PENDING_CAP_MS = 180_000;
const HOLD = 'groq';

export class BudgetTooSmallError extends LeadflowError {
  constructor(tokens: number, tpm: number) {
    super('config', `one request needs about ${tokens} tokens but the budget is ${tpm} tokens per minute: raise --groq-tpm (GROQ_TPM)`);
    this.name = 'BudgetTooSmallError';
  }
}

export async function reserveRequest(db: Db, limits: BudgetLimits, ticket: RequestTicket, now = Date.now()): Promise<Reservation> {
  if (ticket.tokens > limits.tpm) throw new BudgetTooSmallError(ticket.tokens, limits.tpm);
  return db.transaction(async (t): Promise<Reservation> => {
    await t.lock(`llm-budget:${HOLD}`);
    const holding = await t.get('SELECT until_ms FROM llm_holds WHERE name = ?', [HOLD]);
    const hold = holding ? int(holding[0], 'llm_holds.until_ms') : 0;
    if (hold > now) return { ok: false, waitMs: hold - now, reason: 'hold' };

    const rows = await t.all(
      `SELECT at_ms, latency_ms, COALESCE(prompt_tokens + completion_tokens, reserved_tokens) AS tokens
       FROM llm_requests WHERE at_ms > ?`,
      [now - limits.windowMs - PENDING_CAP_MS],
    );
    // When each request's slot frees. An unanswered one frees a window after its answer at the earliest: now + window
    // is a lower bound, and a waiter simply looks again then.
    const held: { end: number; tokens: number }[] = [];
    for (const r of rows) {
      const at = int(r[0], 'llm_requests.at_ms');
      const latency = intOrNull(r[1], 'llm_requests.latency_ms');
      const end =
        latency !== null
          ? at + latency + limits.windowMs
          : at + PENDING_CAP_MS > now
            ? now + limits.windowMs
            : at + PENDING_CAP_MS + limits.windowMs;
      if (end > now) held.push({ end, tokens: int(r[2], 'llm_requests.tokens') });
    }
    held.sort((a, b) => a.end - b.end);
    if (held.length >= limits.rpm) {
      return { ok: false, waitMs: Math.max(1, held[held.length - limits.rpm].end - now), reason: 'rpm' };
    }
    let used = 0;
    for (const h of held) used += h.tokens;
    if (used + ticket.tokens > limits.tpm) {
      let freed = 0;
      for (const h of held) {
        freed += h.tokens;
        if (used - freed + ticket.tokens <= limits.tpm) return { ok: false, waitMs: Math.max(1, h.end - now), reason: 'tpm' };
      }
    }
    const row = await t.get('INSERT INTO llm_requests (at_ms, purpose, model, reserved_tokens) VALUES (?, ?, ?, ?) RETURNING id', [
      now,
      ticket.purpose,
      ticket.model,
      Math.ceil(ticket.tokens),
    ]);
    return { ok: true, id: int(row![0], 'llm_requests.id'), atMs: now };
  });
}

export async function settleRequest(db: Db, id: number, s: Settlement): Promise<void> {
  await db.run(
    `UPDATE llm_requests SET outcome = ?, prompt_tokens = ?, completion_tokens = ?, latency_ms = ?, error = ?
     WHERE id = ?`,
    [s.outcome, s.promptTokens ?? null, s.completionTokens ?? null, s.latencyMs === undefined ? null : Math.round(s.latencyMs), s.error ?? null, id],
  );
}

/** After a 429: no process sends before `untilMs` (a later hold wins over an earlier one). */
export async function holdRequests(db: Db, untilMs: number): Promise<void> {
  await db.run(
    `INSERT INTO llm_holds (name, until_ms) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET until_ms = ${greatest(db, 'llm_holds.until_ms', 'excluded.until_ms')}`,
    [HOLD, Math.ceil(untilMs)],
  );
}
