/**
 * When the server listens on a loopback address, only requests addressed to a loopback name are served. A web page
 * elsewhere cannot then use DNS rebinding to read leads through the person's browser.
 */
import type { RequestHandler } from 'express';
import { HttpError } from './httpError';

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export function loopbackHostOnly(): RequestHandler {
  return (req, _res, next) => {
    const host = req.headers.host ?? '';
    if (LOOPBACK_HOSTS.test(host)) next();
    else next(new HttpError(421, `this status server only answers to localhost names (got Host: ${host.slice(0, 100)}); start it with --host to serve others`));
  };
}
