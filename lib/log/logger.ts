/**
 * `createLogger`: the one way leadflow writes logs — structured JSON lines (pino) at a chosen level, with secrets
 * redacted before a line is written. Shared by the status server, the MCP server's HTTP mode and the CLI.
 *
 * Promises: the level comes from the caller, else `LEADFLOW_LOG_LEVEL`, else the caller's default; an unknown level is
 * an error that names the valid ones; authorization/cookie headers and secret-looking fields are written as
 * "[REDACTED]", and `redactUrl` masks secret query parameters (token, secret, key, …) in URLs before they are logged.
 */
import { LeadflowError } from '../errors';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field paths pino censors wherever they appear in a log line's object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
];

const SECRET_PARAM = /^(token|access_token|secret|key|api_key|apikey|password|pass|auth)$/i;

export interface LoggerOptions {
  /** Shown as `name` on every line: "status", "mcp", "cli". */
  name: string;
  level?: string;
  /** Used when neither `level` nor LEADFLOW_LOG_LEVEL is set. */
  defaultLevel?: LogLevel;
  /** Where lines go; standard output when omitted. */
  destination?: DestinationStream;
}

export class LogLevelError extends LeadflowError {
  constructor(level: string) {
    super('input', `"${level}" is not a log level: use one of ${LOG_LEVELS.join(', ')} (--log-level or LEADFLOW_LOG_LEVEL)`);
    this.name = 'LogLevelError';
  }
}

export function parseLogLevel(level: string): LogLevel {
  const l = level.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(l)) throw new LogLevelError(level);
  return l as LogLevel;
}

export function createLogger(o: LoggerOptions): Logger {
  const level = parseLogLevel(o.level ?? process.env.LEADFLOW_LOG_LEVEL ?? o.defaultLevel ?? 'info');
  return pino(
    {
      name: o.name,
      level,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    o.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** The URL with the value of every secret-looking query parameter replaced, e.g. `/unsubscribe?token=[REDACTED]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed name is logged as it came
      }
      return SECRET_PARAM.test(decoded) ? `${name}=[REDACTED]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}
