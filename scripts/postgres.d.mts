// Types for scripts/postgres.mjs (imported by test/support/postgres.ts).
export declare const PG_BIN: string;

export interface PostgresCluster {
  /** The superuser's URL on the `postgres` database, e.g. postgres://leadflow@127.0.0.1:PORT/postgres */
  url: string;
  /** The cluster's folder (data, log, unix socket), removed by stop(). */
  dir: string;
  /** pg_ctl stop -m immediate, then removes the folder; does nothing once stopped. */
  stop(): Promise<void>;
  /** The same, synchronously: for a process 'exit' handler. */
  stopSync(): void;
}

export declare function startPostgresCluster(): Promise<PostgresCluster>;
