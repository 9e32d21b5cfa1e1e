/**
 * How a model call can end other than with an answer. A setup problem (`config`: the key or the model is wrong, the
 * budget too small) stops the whole stage, since every lead would fail alike; the others concern one lead, which
 * then falls back or is deferred.
 */
import { LeadflowError, type Upstream } from '../errors';

/** The wait (retry-after or budget) is longer than the cap: leave the lead for a later run instead of sleeping. */
export class LlmDeferredError extends LeadflowError {
  readonly waitMs: number;
  /** `upstream`: Groq itself asked to wait (a 429's retry-after), rather than our shared budget. */
  constructor(waitMs: number, why: string, upstream?: Upstream) {
    super('transient', `deferred: ${why} asks to wait ${Math.ceil(waitMs / 1000)} s, longer than the cap; the lead stays for the next run`, { upstream });
    this.name = 'LlmDeferredError';
    this.waitMs = waitMs;
  }
}

/** The key was refused (401/403). */
export class GroqAuthError extends LeadflowError {
  constructor(status: number, serverMessage: string) {
    super(
      'config',
      `Groq refused the API key (${status}: ${serverMessage}). Check GROQ_API_KEY (or the n8n Groq credential) ` +
        'at https://console.groq.com/keys.',
      { upstream: { service: 'Groq', status } },
    );
    this.name = 'GroqAuthError';
  }
}

/** No usable answer after our retries: the caller falls back to the offline path for this lead. */
export class LlmRequestFailedError extends LeadflowError {
  constructor(reason: string, upstream?: Upstream) {
    super('transient', reason, { upstream });
    this.name = 'LlmRequestFailedError';
  }
}

/** Errors that must stop a stage rather than fall back lead by lead: the setup is wrong, for every lead alike. */
export function isFatalLlmError(err: unknown): boolean {
  return err instanceof LeadflowError && err.kind === 'config';
}
