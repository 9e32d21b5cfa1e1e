/**
 * The token gate: `Authorization: Bearer <LEADFLOW_TOKEN>`, compared in constant time (lib/access). In front of
 * everything that changes data, and — when the page is served beyond loopback — in front of every read too.
 */
import type { RequestHandler } from 'express';
import { bearerTokenOf, tokenMatches } from '../lib/access/accessToken';
import { HttpError } from './httpError';

export function requireToken(expected: string): RequestHandler {
  return (req, res, next) => {
    const given = bearerTokenOf(req.get('authorization'));
    if (given === null) {
      res.set('WWW-Authenticate', 'Bearer realm="leadflow"');
      next(new HttpError(401, 'this needs the token: send the LEADFLOW_TOKEN as "Authorization: Bearer <token>" (leadflow serve printed it)'));
      return;
    }
    if (!tokenMatches(given, expected)) {
      next(new HttpError(403, 'the token is wrong: use the LEADFLOW_TOKEN the status server was started with'));
      return;
    }
    next();
  };
}
