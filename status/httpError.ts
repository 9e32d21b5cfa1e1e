/**
 * Errors as the API shows them: `{ "error": "<what went wrong and what to do>" }` with a fitting status code — never a
 * stack trace. Anything unexpected is logged (with the request id) and answered as a plain 500.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ZodError } from 'zod';

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
