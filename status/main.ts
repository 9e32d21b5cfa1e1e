#!/usr/bin/env node
/**
 * `leadflow serve`: the status page and its JSON API on http://127.0.0.1:4280 until Ctrl-C. Anything that changes
 * data needs LEADFLOW_TOKEN (and, with --host beyond loopback, every read too); when it is not set, a token is made
 * for this session and shown once (here, not in the log). `--unsubscribe-port` adds a listener that serves only the
 * one-click unsubscribe endpoint, for the links in emails, while the page stays on loopback. Logs are JSON lines on
 * standard output; the banner goes to standard error. The `leadflow` CLI launches this file as its `serve`
 * subcommand, so the CLI and the page share nothing but lib.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { defaultStorePath } from '../lib/store/location';
import { createLogger, parseLogLevel, LogLevelError, type LogLevel } from '../lib/log/logger';
import { newToken } from '../lib/access/accessToken';
import { unsubscribeSecret } from '../lib/inbound/unsubscribe';
import { isLoopbackAddress } from './localHost';
import { startStatusServer, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_UNSUBSCRIBE_HOST } from './server';

function port(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new InvalidArgumentError(`must be a port number (0-65535), got "${raw}".`);
  return n;
}

function logLevel(raw: string): LogLevel {
  try {
    return parseLogLevel(raw);
  } catch (err) {
    if (err instanceof LogLevelError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

const program = new Command('leadflow serve')
  .description('serve the status page and its JSON API (127.0.0.1 by default; changes need LEADFLOW_TOKEN)')
  .option('--db <path|url>', 'the store: a SQLite file, or a postgres:// URL (n8n queue mode; no runs there) (default: $LEADFLOW_DB, else ~/.leadflow/leadflow.db)')
  .option('--port <n>', `port to listen on (0: any free port)`, port, DEFAULT_PORT)
  .option('--host <address>', 'address to listen on; beyond loopback every API request, reads included, needs the token', DEFAULT_HOST)
  .option('--unsubscribe-port <n>', 'also serve only the one-click unsubscribe endpoint on this port, for the links in emails (0: any free port)', port)
  .option('--unsubscribe-host <address>', `address for --unsubscribe-port (default: ${DEFAULT_UNSUBSCRIBE_HOST}, every interface)`)
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default: $LEADFLOW_LOG_LEVEL, else info)', logLevel)
    .exitOverride()
    .action(async (o: { db?: string; port: number; host: string; unsubscribePort?: number; unsubscribeHost?: string; logLevel?: LogLevel }) => {
      if (o.unsubscribeHost !== undefined && o.unsubscribePort === undefined) {
        program.error('error: --unsubscribe-host needs --unsubscribe-port (the port of the unsubscribe-only listener)', { exitCode: 2 });
      }
      const logger = createLogger({ name: 'status', level: o.logLevel, destination: pino.destination({ fd: 1, sync: true }) });
      // A secret that is set but too weak is refused now, in the words every adapter uses, rather than at a click.
      if (process.env.LEADFLOW_SECRET) unsubscribeSecret(process.env);
      const fromEnv = process.env.LEADFLOW_TOKEN?.trim();
      const token = fromEnv || newToken();
      const server = await startStatusServer({
        storePath: o.db ?? defaultStorePath(),
        token,
        logger,
        port: o.port,
        host: o.host,
        unsubscribeSecret: process.env.LEADFLOW_SECRET,
        unsubscribeListener: o.unsubscribePort === undefined ? undefined : { port: o.unsubscribePort, host: o.unsubscribeHost },
      });
      const needs = isLoopbackAddress(o.host) ? 'changes need' : 'every API request needs';
      process.stderr.write(
        fromEnv
          ? `leadflow status page: ${server.url}/ (${needs} the LEADFLOW_TOKEN from your environment)\n`
          : `leadflow status page: ${server.url}/#token=${token}\n` +
              `  LEADFLOW_TOKEN for this session (shown once; set LEADFLOW_TOKEN to choose your own): ${token}\n`,
      );
      if (server.unsubscribeUrl) {
        process.stderr.write(
          `  unsubscribe links: ${server.unsubscribeUrl} serves /unsubscribe and nothing else; ` +
            'point LEADFLOW_UNSUBSCRIBE_URL at its public address (e.g. https://yourhost/unsubscribe)\n',
        );
      }
      process.stderr.write('  Ctrl-C stops the server (a run it started stops after its current batch).\n');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
    return;
  }
  process.stderr.write(`leadflow serve: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
