/**
 * One base for every error lib means a person to read: a `LeadflowError` carries a `kind`, and each adapter maps the
 * kind exactly once, in one place — no adapter matches class names, and a new error class needs no adapter change.
 *
 * The kinds, and what each adapter makes of them (n8n · MCP · HTTP · CLI exit code):
 * - `input`: the request itself is wrong — an argument, a file, a lead that is not there. Fix the request.
 *   NodeOperationError naming the item · isError · 400 · 2
 * - `config`: the setup is missing or wrong — environment, credential, SQLite driver, store file. Fix the settings.
 *   NodeOperationError · isError · 503 · 1
 * - `refused`: a safety rule declined a well-formed request — a live send without its compliance settings, a spent
 *   confirm token. Asking again unchanged will not help. NodeOperationError · isError · 403 · 1
 * - `conflict`: the store's present state forbids it — a run is going, there is nothing to resume. Wait, or change
 *   that state. NodeOperationError · isError · 409 · 1
 * - `transient`: a service or a budget asks to wait; the same request may work later.
 *   NodeOperationError · isError · 503 · 1
 * - `internal`: a bug or an unexpected fault, nothing the user did. Anything thrown that is not a LeadflowError is
 *   internal (a plain `Error` for a broken invariant, a driver's own error); its stack goes to the log or stderr,
 *   and the user sees "internal error: <message>". NodeOperationError · isError · 500 · 1
 *
 * n8n errors name the item when there is one (`itemIndex`); an error of any kind that reports a remote service's
 * answer (`upstream`, e.g. Groq refusing the key) leaves a node as a NodeApiError with that status instead, as n8n's
 * own nodes report a failed API call. MCP error results carry the message for the model: no `structuredContent`, no stack. The one
 * place per adapter: nodes/shared/nodeError.ts, mcp/result.ts (`guarded`), status/httpError.ts (`jsonErrors`),
 * bin/leadflow.ts (`main`).
 */

export type ErrorKind = 'input' | 'config' | 'refused' | 'conflict' | 'transient' | 'internal';

/** The remote service whose answer an error reports, and its status code when it gave one. */
export interface Upstream {
  service: string;
  status?: number;
}

export interface LeadflowErrorOptions {
  cause?: unknown;
  upstream?: Upstream;
}

export class LeadflowError extends Error {
  readonly kind: ErrorKind;
  readonly upstream?: Upstream;

  constructor(kind: ErrorKind, message: string, options: LeadflowErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'LeadflowError';
    this.kind = kind;
    if (options.upstream) this.upstream = options.upstream;
  }
}

/** The kind of anything thrown: a LeadflowError's own, `internal` for everything else. */
export function errorKind(err: unknown): ErrorKind {
  return err instanceof LeadflowError ? err.kind : 'internal';
}

/** The message of anything thrown (a thrown string or object included). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
