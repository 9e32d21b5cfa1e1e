// A throwaway PostgreSQL 15 cluster for the tests: initdb into /tmp/leadflow-pg-XXXX, one superuser role `leadflow`
// with trust authentication, listening on 127.0.0.1 only (its own free port and socket folder), durability off for
// speed. scripts/test.mjs starts one for the whole run; test/support/postgres.ts starts one when a test file runs
// alone. PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` user.
import { execFile, execFileSync } from 'node:child_process';
import { appendFile, chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/**
 * The file and arguments that run a PostgreSQL binary: as `postgres` when this process is root.
 * @param {string} bin @param {string[]} args @returns {[string, string[]]}
 */
function command(bin, args) {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a fresh cluster and resolves once it accepts connections (pg_ctl -w waits for the server's "ready").
 * @returns {Promise<import('./postgres.d.mts').PostgresCluster>}
 */
export async function startPostgresCluster() {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}/initdb): run .ci/setup.d/35-postgres.sh`);
  const dir = await mkdtemp(join(tmpdir(), 'leadflow-pg-'));
  await chmod(dir, 0o755);
  if (asRoot) {
    const id = async (flag) => Number((await run('id', [flag, 'postgres'])).stdout);
    await chown(dir, await id('-u'), await id('-g'));
  }
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const pg = (bin, args) => run(...command(bin, args), { cwd: dir });
  // Stopping fails when the server is not running (it failed to start, or was stopped already): nothing to stop.
  const stopArgs = ['stop', '-D', data, '-m', 'immediate', '-s'];
  const stop = async () => {
    if (!existsSync(dir)) return;
    await pg('pg_ctl', stopArgs).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  const stopSync = () => {
    if (!existsSync(dir)) return;
    try {
      execFileSync(...command('pg_ctl', stopArgs), { cwd: dir, stdio: 'ignore' });
    } catch {
      // (see stopArgs)
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pg('initdb', ['-D', data, '-U', 'leadflow', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const settings = {
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${dir}'`,
      max_connections: 200,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
    };
    await appendFile(join(data, 'postgresql.conf'), Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''));
    // Another process may take the free port before the server binds it: then try again on another one (a later
    // `port` line overrides an earlier one).
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await appendFile(join(data, 'postgresql.conf'), `port = ${port}\n`);
      try {
        await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-s']);
        return { url: `postgres://leadflow@127.0.0.1:${port}/postgres`, dir, stop, stopSync };
      } catch (e) {
        const text = await readFile(log, 'utf8').catch(() => '');
        if (attempt < 3 && /could not bind|already in use/i.test(text)) continue;
        throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${String(e)}\n${text.slice(-2000)}`);
      }
    }
  } catch (e) {
    stopSync();
    throw e;
  }
}
