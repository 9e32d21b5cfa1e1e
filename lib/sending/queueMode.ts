/**
 * n8n's queue mode on an embedded store. In queue mode (`EXECUTIONS_MODE=queue`) n8n runs each execution on whichever
 * worker picks it up, on any host, and every worker opens its own SQLite file: the daily cap and the rate limit would
 * hold per worker, not per mailbox; a lead imported on one host would be unknown on another; and an unsubscribe
 * recorded by one host's webhook would not stop another host's send. The last is a compliance failure, so live
 * sending from a SQLite store refuses (a dry run sends nothing and may go on), and `leadflow` says so whenever it
 * starts in such a process. A PostgreSQL store is the one every worker shares: it sends.
 */
import { LeadflowError } from '../errors';

export class QueueModeError extends LeadflowError {
  constructor(message: string) {
    super('config', message);
    this.name = 'QueueModeError';
  }
}

/** Whether this process runs as part of n8n's queue mode (a main process or a worker with EXECUTIONS_MODE=queue). */
export function inQueueMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.EXECUTIONS_MODE ?? '').trim().toLowerCase() === 'queue';
}

/** What a person reads: what is wrong with queue mode on this store, and what to do. */
export function queueModeProblem(storePath: string): string {
  return (
    `n8n runs in queue mode here (EXECUTIONS_MODE=queue), and the leadflow store is a SQLite file (${storePath}) that ` +
    'each worker opens on its own host: daily caps, rate limits, imported leads and unsubscribes would not be shared ' +
    'between workers. Give every worker one PostgreSQL store instead — a Leadflow Store credential on the nodes, or ' +
    'LEADFLOW_DB / --db postgres://… (README: "Running in n8n queue mode") — or send live from one process in regular mode (EXECUTIONS_MODE=regular)'
  );
}

/** Refuses a live send in queue mode on a SQLite store (a PostgreSQL store is the one every worker shares). */
export function refuseLiveSendInQueueMode(store: { dialect: 'sqlite' | 'postgres'; location: string }, env: NodeJS.ProcessEnv = process.env): void {
  if (store.dialect === 'sqlite' && inQueueMode(env)) throw new QueueModeError(`live sending refused: ${queueModeProblem(store.location)}.`);
}
