import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { leadflow, leadflowAsync } from './support/cli';
import { tempStorePath } from './support/tmp';

/** Start `leadflow serve --port 0` and wait for its banner; the child is stopped (SIGINT) when the test ends. */
async function serve(t: import('node:test').TestContext, env: NodeJS.ProcessEnv = {}) {
  const child = leadflowAsync(['--db', tempStorePath(t), 'serve', '--port', '0'], env);
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      banner += d;
      if (banner.includes('Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${banner}`)));
  });
  const url = /status page: (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1];
  return { child, banner, url };
}

test('`leadflow serve` makes a token, shows it once, and the server accepts it for changes', async (t) => {
  const { child, banner, url } = await serve(t, { LEADFLOW_TOKEN: '' });
  const token = /#token=([\w-]+)/.exec(banner)![1];
  assert.ok(token.length >= 32);
  assert.equal(banner.split(token).length - 1, 2, 'in the URL fragment and once spelled out');
  assert.equal((await fetch(`${url}/health`)).status, 200);
  assert.equal((await fetch(`${url}/api/pipeline/stop`, { method: 'POST' })).status, 401);
  const ok = await fetch(`${url}/api/pipeline/stop`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);

  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  const out = child.output().stdout.trim().split('\n');
  const lines = out.map((l) => JSON.parse(l));
  assert.ok(lines.every((l) => l.name === 'status' && typeof l.level === 'number'), 'standard output is JSON log lines');
  assert.ok(lines.some((l) => l.msg === 'status server listening'));
  assert.ok(lines.some((l) => l.msg === 'status server closed'));
  assert.ok(!child.output().stdout.includes(token), 'the token is not in the log');
});

test('with LEADFLOW_TOKEN set, `leadflow serve` uses it and does not print it', async (t) => {
  const token = 'my-own-token-9f8e7d6c5b4a';
  const { child, banner, url } = await serve(t, { LEADFLOW_TOKEN: token });
  assert.ok(!banner.includes(token));
  assert.match(banner, /LEADFLOW_TOKEN from your environment/);
  const ok = await fetch(`${url}/api/pipeline/stop`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  child.kill('SIGINT');
  await once(child, 'exit');
});

test('`leadflow serve` rejects an unknown log level before starting', () => {
  const r = leadflow(['serve', '--log-level', 'loud']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"loud" is not a log level/);
});
