/**
 * How a model call can end other than with an answer. Two kinds stop the whole stage (the key or the model is
 * wrong: every lead would fail alike); the others concern one lead, which then falls back or is deferred.
 */

/** The wait (retry-after or budget) is longer than the cap: leave the lead for a later run instead of sleeping. */
export class LlmDeferredError extends Error {
  readonly waitMs: number;
  constructor(waitMs: number, why: string) {
    super(`deferred: ${why} asks to wait ${Math.ceil(waitMs / 1000)} s, longer than the cap; the lead stays for the next run`);
    this.name = 'LlmDeferredError';
    this.waitMs = waitMs;
  }
}

/** The key was refused (401/403). */
export class GroqAuthError extends Error {
  constructor(status: number, serverMessage: string) {
    super(
      `Groq refused the API key (${status}: ${serverMessage}). Check GROQ_API_KEY (or the n8n Groq credential) ` +
        'at https://console.groq.com/keys.',
    );
    this.name = 'GroqAuthError';
  }
}

/** No usable answer after our retries: the caller falls back to the offline path for this lead. */
export class LlmRequestFailedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LlmRequestFailedError';
  }
}

/** Errors that must stop a stage rather than fall back lead by lead. */
export function isFatalLlmError(err: unknown): boolean {
  return err instanceof GroqAuthError || (err instanceof Error && err.name === 'ModelUnavailableError') || (err instanceof Error && err.name === 'BudgetTooSmallError');
}
