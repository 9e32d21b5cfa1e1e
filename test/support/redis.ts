/** A real Redis 7 (Debian's redis-server) for a test: its own port on 127.0.0.1, nothing saved, stopped after the test. */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports';

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startRedis(t: TestContext): Promise<{ port: number }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const gone = new Promise((resolve) => child.once('exit', resolve));
  t.after(async () => {
    child.kill('SIGTERM');
    await gone;
  });
  for (let i = 0; i < 100; i++) {
    if (await answersPing(port)) return { port };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`redis-server did not answer on 127.0.0.1:${port} (is Debian's redis-server installed? .ci/setup.d/35-postgres.sh)`);
}
