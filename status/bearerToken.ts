/**
 * The token gate for everything that changes data: `Authorization: Bearer <LEADFLOW_TOKEN>`, compared in constant
 * time (both sides hashed first, so neither the content nor the length leaks through timing).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './httpError';

/** A fresh token for `leadflow serve` to show once when LEADFLOW_TOKEN is not set. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}

export function requireToken(expected: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      next(new HttpError(401, 'this changes data: send the LEADFLOW_TOKEN as "Authorization: Bearer <token>" (leadflow serve printed it)'));
      return;
    }
    if (!tokenMatches(m[1], expected)) {
      next(new HttpError(403, 'the token is wrong: use the LEADFLOW_TOKEN the status server was started with'));
      return;
    }
    next();
  };
}
