/**
 * `createStatusApp`: the status page's Express app over one store — the JSON API, the live event stream, the static
 * page and the one-click unsubscribe endpoint. It reuses lib for every answer; nothing here computes a number.
 *
 * Promises: on a loopback address (the default) only requests under a loopback Host name are served, and reads need
 * no token; beyond loopback every /api request, read or change, needs the bearer token; every request that changes
 * data needs it everywhere; a request body is JSON or refused (415); bad input is a 400 with a reason; every error is
 * JSON with a request id, never a stack; every request is logged once, secrets masked. `unsubscribeApp` serves the
 * unsubscribe endpoint and nothing else, for a listener of its own that may face the internet.
 */
import { join } from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../lib/log/logger';
import type { AnyStore } from '../lib/store/openDb';
import { requestLog } from './requestLog';
import { bearerTokenOf, tokenMatches } from '../lib/access/accessToken';
import { requireToken } from './bearerToken';
import { loopbackHostOnly } from './localHost';
import { HttpError, jsonErrors, notFound } from './httpError';
import { BackgroundRunner } from '../lib/pipeline/backgroundRunner';
import { LiveEvents } from './liveEvents';
import { readApi } from './routes/readApi';
import { exportCsv } from './routes/exportCsv';
import { eventsApi } from './routes/eventsApi';
import { pipelineApi } from './routes/pipelineApi';
import { eraseApi } from './routes/eraseApi';
import { unsubscribePages } from './routes/unsubscribePages';
import { scheduleApi } from './routes/scheduleApi';
import { ScheduleSimulator } from './scheduleSimulator';

export interface StatusAppOptions {
  /** A SQLite file, or the PostgreSQL store n8n's queue-mode workers share (no runs or schedule simulations there). */
  store: AnyStore;
  /** The LEADFLOW_TOKEN every data-changing request must carry. */
  token: string;
  logger: Logger;
  /** LEADFLOW_SECRET, which signs unsubscribe links; without it the unsubscribe endpoint says how to set it. */
  unsubscribeSecret?: string;
  /**
   * Listening on a loopback address: serve only requests addressed to localhost names, and let reads through without
   * the token. Otherwise (the default) every /api request needs the token.
   */
  loopback?: boolean;
}

export interface StatusApp {
  app: Express;
  /** Only `/unsubscribe` (GET and POST) and the stylesheet its pages use: safe to expose where the page is not. */
  unsubscribeApp: Express;
  /** Runs started from the page: the lib's background runner, the same one the MCP server uses; none on PostgreSQL. */
  runner: BackgroundRunner | null;
  events: LiveEvents;
  /** Campaign schedules simulated for the page, in a worker thread, one at a time; none on PostgreSQL. */
  schedules: ScheduleSimulator | null;
  /** Stop a run this app started, end a schedule simulation and the event streams. The store stays open (the caller owns it). */
  close(): Promise<void>;
}

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // Unsubscribe links carry a token in the URL: never hand it on as a Referer.
    'Referrer-Policy': 'no-referrer',
  });
  next();
};

/**
 * The API takes JSON bodies only: a body of any other type (a text/plain POST from a form on another site, say) is a
 * 415, never "no options given, so run with the defaults". A request with no body at all needs no type.
 */
const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
  if ((hasBody || req.get('content-type') !== undefined) && !req.is('application/json')) {
    next(new HttpError(415, `send the request body as JSON (Content-Type: application/json), not ${req.get('content-type') ?? 'untyped'}`));
    return;
  }
  next();
};

export function createStatusApp(o: StatusAppOptions): StatusApp {
  // Runs and schedule simulations work on a SQLite file (a run process and a copy of the file); on PostgreSQL the
  // page reads, erases and unsubscribes, and says where runs start.
  const sqlite = o.store.dialect === 'sqlite' ? o.store : null;
  const runner = sqlite && new BackgroundRunner(sqlite, { log: o.logger });
  const events = new LiveEvents(o.store, runner);
  const schedules = sqlite && new ScheduleSimulator(sqlite, { log: o.logger });
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  const unsubscribe = unsubscribePages(o.store, o.logger, o.unsubscribeSecret, () => events.metricsNow());

  app.use(requestLog(o.logger));
  app.use(securityHeaders);
  // Unsubscribe links are followed from mail clients anywhere (often through a proxy with a public Host name); the
  // signed token is their authority and the pages reveal nothing, so they sit before the loopback Host check.
  app.use(unsubscribe);
  if (o.loopback) app.use(loopbackHostOnly());

  // Liveness for anyone (a load balancer has no token); beyond loopback, what the server is doing only with the token.
  app.get('/health', (req, res) => {
    const given = bearerTokenOf(req.get('authorization'));
    const trusted = o.loopback || (given !== null && tokenMatches(given, o.token));
    res.json(trusted ? { ok: true, driver: o.store.dialect === 'sqlite' ? o.store.driver : 'pg', running: runner?.busy ?? false } : { ok: true });
  });

  const gate = requireToken(o.token);
  const api = express.Router();
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const isRead = (method: string) => method === 'GET' || method === 'HEAD';
  api.use((req, res, next) => (o.loopback && isRead(req.method) ? next() : gate(req, res, next)));
  api.use(jsonBodiesOnly);
  api.use(express.json({ limit: '10kb' }));
  api.use(readApi(o.store));
  api.use(scheduleApi(o.store, schedules));
  api.use(exportCsv(o.store, o.logger));
  api.use(eventsApi(events));
  api.use(pipelineApi(runner));
  api.use(eraseApi(o.store, o.logger, () => events.metricsNow()));
  api.use(notFound);
  app.use('/api', api);

  app.use(express.static(join(__dirname, 'public'), { index: 'index.html', maxAge: 0 }));
  app.use(notFound);
  app.use(jsonErrors);

  const unsubscribeApp = express();
  unsubscribeApp.disable('x-powered-by');
  unsubscribeApp.set('query parser', 'simple');
  unsubscribeApp.use(requestLog(o.logger));
  unsubscribeApp.use(securityHeaders);
  unsubscribeApp.use(unsubscribe);
  unsubscribeApp.get('/style.css', (_req, res) => res.sendFile(join(__dirname, 'public', 'style.css')));
  unsubscribeApp.use(notFound);
  unsubscribeApp.use(jsonErrors);

  return {
    app,
    unsubscribeApp,
    runner,
    events,
    schedules,
    async close() {
      events.close();
      await Promise.all([runner?.close(), schedules?.close()]);
    },
  };
}
