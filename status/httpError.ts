/**
 * Errors as the API shows them: `{ "error": "<what went wrong and what to do>" }` with a fitting status code — never a
 * stack trace. Anything unexpected is logged (with the request id) and answered as a plain 500.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ZodError } from 'zod';
import { LeadflowError, type ErrorKind } from '../lib/errors';

/**
 * A LeadflowError's kind as an HTTP status (lib/errors.ts). `refused` is 403, not 400: the request was well formed
 * and understood, and a safety rule declined it — sending it again unchanged will not help. `config` and `transient`
 * are 503: this server cannot do it until its settings are fixed, or until the service it waits on lets it.
 */
export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  input: 400,
  refused: 403,
  conflict: 409,
  config: 503,
  transient: 503,
  internal: 500,
};

/** An answer the HTTP layer itself chose, with its exact status (404 for a path, 401 for a missing token, …). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** One readable reason from a zod failure: "limit: Too big: expected number to be <=200; page: …". */
export function zodReason(err: ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no such endpoint: ${req.method} ${req.path}`));
};

export const jsonErrors: ErrorRequestHandler = (err, req, res, _next) => {
  let status = 500;
  let message = 'internal error: the status server logged the details (look for this request id)';
  if (err instanceof HttpError) {
    status = err.status;
    message = err.message;
  } else if (err instanceof LeadflowError) {
    // The one place the page maps lib's errors; `internal` keeps the plain message below and is logged.
    status = STATUS_BY_KIND[err.kind];
    if (err.kind !== 'internal') message = err.message;
  } else if (err?.type === 'entity.parse.failed') {
    status = 400;
    message = 'the request body is not valid JSON';
  } else if (err?.type === 'entity.too.large') {
    status = 413;
    message = 'the request body is too large';
  } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
    status = err.status;
    message = String(err.message ?? 'bad request');
  }
  if (status >= 500) req.log?.error({ err }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(status).json({ error: message, requestId: req.id });
};
