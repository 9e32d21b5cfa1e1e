/**
 * `createGroqClient`: the one way lib talks to Groq. Each request is reserved in the shared budget first, sent
 * through the real groq-sdk with its own retries off, and settled with the server's token count. Our loop retries
 * transient faults (429, 5xx, timeouts, dropped connections) a few times, honouring retry-after up to a cap, and
 * defers the lead rather than sleeping longer. Answers come back parsed and zod-validated, or as a reason why not.
 */
import type Groq from 'groq-sdk';
import type { z } from 'zod';
import type { Db } from '../store/db';
import { openStore } from '../store/store';
import { holdRequests, reserveRequest, settleRequest } from './budget';
import { GroqAuthError, LlmDeferredError, LlmRequestFailedError } from './errors';
import { ModelUnavailableError } from './models';
import { groqSdk, sdkFor } from './sdk';
import { Semaphore } from './semaphore';
import { groqSettings, type GroqSettings, type GroqSettingsInput } from './settings';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface JsonRequest<T> {
  purpose: 'enrich' | 'personalize' | 'replies';
  /** Names the JSON schema for the server (letters, digits, _ and -). */
  schemaName: string;
  /** Sent as a strict JSON schema: every property required, no others allowed. */
  jsonSchema: Record<string, unknown>;
  /** The same shape and more (lengths, ranges), checked on our side whatever the server promised. */
  validator: z.ZodType<T>;
  messages: ChatMessage[];
  maxCompletionTokens: number;
}

export type JsonAnswer<T> = { ok: true; value: T; raw: string } | { ok: false; reason: string; raw: string | null };

export interface GroqClient {
  readonly settings: Readonly<GroqSettings>;
  readonly model: string;
  /** One answer (with transient retries). Throws LlmDeferredError, LlmRequestFailedError, or a fatal error. */
  requestJson<T>(req: JsonRequest<T>): Promise<JsonAnswer<T>>;
}

const CHARS_PER_TOKEN = 3.5;
const BACKOFF_BASE_MS = 500;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** retry-after in seconds (or an HTTP date); Groq also sends retry-after-ms on some answers. */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  if (Number.isFinite(Number(raw))) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function serverError(err: InstanceType<typeof Groq.APIError>): { code: string; message: string } {
  const body = err.error as { error?: { code?: string; message?: string } } | undefined;
  return { code: body?.error?.code ?? '', message: body?.error?.message ?? err.message };
}

export function estimateTokens(messages: ChatMessage[], maxCompletionTokens: number): number {
  let chars = 0;
  for (const m of messages) chars += m.content.length + 8;
  return Math.ceil(chars / CHARS_PER_TOKEN) + maxCompletionTokens;
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parse and validate the text of an answer. */
export function parseAnswer<T>(raw: string, validator: z.ZodType<T>): JsonAnswer<T> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, reason: `the answer is not valid JSON (${(err as Error).message})`, raw };
  }
  const parsed = validator.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `the answer does not match the schema: ${describeIssues(parsed.error.issues)}`, raw };
  return { ok: true, value: parsed.data, raw };
}

/**
 * A client over `settings` (validated here). Without a store the budget lives in a private in-memory store: it
 * still paces this client, but other processes cannot see it.
 */
export function createGroqClient(input: GroqSettingsInput | GroqSettings, store?: Db): GroqClient {
  const settings = groqSettings(input);
  const budgetStore = store ?? openStore(':memory:');
  const sdk = sdkFor(settings);
  const { APIError, APIConnectionError, APIConnectionTimeoutError, AuthenticationError, InternalServerError, PermissionDeniedError, RateLimitError } = groqSdk();
  const inFlight = new Semaphore(settings.concurrency);
  const limits = { rpm: settings.rpm, tpm: settings.tpm, windowMs: settings.windowMs };
  const reasoning = settings.model.startsWith('openai/gpt-oss');

  /** Wait for room in the budget, or defer when the wait is longer than the cap. */
  async function reserve(purpose: string, tokens: number): Promise<{ id: number; atMs: number }> {
    for (;;) {
      const r = await reserveRequest(budgetStore, limits, { purpose, model: settings.model, tokens });
      if (r.ok) return r;
      if (r.waitMs > settings.maxWaitMs) {
        throw new LlmDeferredError(r.waitMs, r.reason === 'hold' ? "Groq's retry-after" : `the ${r.reason.toUpperCase()} budget`);
      }
      // A little jitter, so workers waiting for the same slot do not all wake on the same millisecond.
      await sleep(r.waitMs + Math.floor(Math.random() * 25));
    }
  }

  async function once<T>(req: JsonRequest<T>): Promise<JsonAnswer<T>> {
    const { id, atMs } = await reserve(req.purpose, estimateTokens(req.messages, req.maxCompletionTokens));
    // Measured on the reservation's clock: at_ms + latency_ms is when the answer was in, which the budget relies on.
    const elapsed = () => Date.now() - atMs;
    try {
      const completion = await sdk.chat.completions.create({
        model: settings.model,
        messages: req.messages,
        response_format: { type: 'json_schema', json_schema: { name: req.schemaName, schema: req.jsonSchema, strict: true } },
        max_completion_tokens: req.maxCompletionTokens,
        temperature: 0.4,
        ...(reasoning ? { reasoning_effort: 'low' as const, include_reasoning: false } : {}),
      });
      const usage = completion.usage;
      const choice = completion.choices?.[0];
      const raw = choice?.message?.content ?? '';
      const answer: JsonAnswer<T> =
        choice?.finish_reason === 'length'
          ? { ok: false, reason: `the answer was cut off at ${req.maxCompletionTokens} tokens (truncated JSON)`, raw }
          : parseAnswer(raw, req.validator);
      await settleRequest(budgetStore, id, {
        outcome: answer.ok ? 'ok' : 'invalid',
        promptTokens: usage?.prompt_tokens,
        completionTokens: usage?.completion_tokens,
        latencyMs: elapsed(),
        error: answer.ok ? undefined : answer.reason.slice(0, 500),
      });
      return answer;
    } catch (err) {
      const rateLimited = err instanceof RateLimitError;
      await settleRequest(budgetStore, id, {
        outcome: rateLimited ? 'rate_limited' : 'error',
        latencyMs: elapsed(),
        error: (err as Error).message.slice(0, 500),
      });
      throw err;
    }
  }

  async function requestJson<T>(req: JsonRequest<T>): Promise<JsonAnswer<T>> {
    let lastFault = '';
    for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
      try {
        return await inFlight.run(() => once(req));
      } catch (err) {
        if (!(err instanceof APIError)) throw err;
        if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) {
          throw new GroqAuthError(err.status, serverError(err).message);
        }
        const { code, message } = serverError(err);
        if (code === 'model_decommissioned' || code === 'model_not_found') {
          throw new ModelUnavailableError(settings.model, code, message);
        }
        // Groq checks strict JSON schemas itself and refuses a generation that breaks it: that is an invalid answer.
        if (code === 'json_validate_failed') {
          const failed = (err.error as { error?: { failed_generation?: string } })?.error?.failed_generation ?? null;
          return { ok: false, reason: `the server rejected the answer against the schema (${message})`, raw: failed };
        }
        const transient =
          err instanceof RateLimitError ||
          err instanceof InternalServerError ||
          err instanceof APIConnectionError || // includes timeouts
          err.status === 408 ||
          err.status === 409;
        if (!transient) throw new LlmRequestFailedError(`Groq answered ${err.status ?? 'no status'}: ${message}`, { service: 'Groq', status: err.status });
        lastFault = err instanceof APIConnectionTimeoutError ? `timed out after ${settings.timeoutMs} ms` : `${err.status ?? 'connection'}: ${message}`;
        const hinted = retryAfterMs(err.headers);
        if (err instanceof RateLimitError) {
          const wait = hinted ?? BACKOFF_BASE_MS * 2 ** attempt;
          // Every process holds back, not just this one; the budget turns a long hold into a deferral.
          await holdRequests(budgetStore, Date.now() + wait);
          if (wait > settings.maxWaitMs) throw new LlmDeferredError(wait, "Groq's retry-after", { service: 'Groq', status: err.status });
          continue; // reserve() waits out the hold
        }
        if (attempt < settings.maxAttempts) {
          const wait = Math.min(hinted ?? BACKOFF_BASE_MS * 2 ** (attempt - 1), settings.maxWaitMs);
          await sleep(wait + Math.floor(Math.random() * 100));
        }
      }
    }
    throw new LlmRequestFailedError(`no answer after ${settings.maxAttempts} attempts (last: ${lastFault})`);
  }

  return { settings, model: settings.model, requestJson };
}

/**
 * One answer, and one more chance when it is invalid or `check` finds problems: the second request carries the
 * first answer and names what was wrong with it. Returns the last valid value with its remaining problems, or the
 * reason there is none.
 */
export async function askJson<T>(
  client: GroqClient,
  req: JsonRequest<T>,
  check: (value: T) => string[] = () => [],
): Promise<{ value: T | null; problems: string[]; reason: string | null; requests: number }> {
  let answer = await client.requestJson(req);
  let problems = answer.ok ? check(answer.value) : [];
  if (answer.ok && problems.length === 0) return { value: answer.value, problems, reason: null, requests: 1 };
  const complaint = answer.ok ? problems.map((p) => `- ${p}`).join('\n') : `- ${answer.reason}`;
  const retry: JsonRequest<T> = {
    ...req,
    messages: [
      ...req.messages,
      { role: 'assistant', content: answer.raw ?? '' },
      {
        role: 'user',
        content: `Your answer cannot be used:\n${complaint}\nAnswer again with only the JSON object the schema asks for, fixing each point.`,
      },
    ],
  };
  const first = answer;
  answer = await client.requestJson(retry);
  if (!answer.ok) {
    // A valid first answer with problems is still better than none: the caller decides per part.
    if (first.ok) return { value: first.value, problems, reason: null, requests: 2 };
    return { value: null, problems: [], reason: answer.reason, requests: 2 };
  }
  problems = check(answer.value);
  return { value: answer.value, problems, reason: null, requests: 2 };
}
