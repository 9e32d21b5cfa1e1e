import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { leadflow, leadflowAsync } from './support/cli';
import { tempStorePath } from './support/tmp';

/** Start `leadflow serve --port 0` and wait for its banner; the child is stopped (SIGINT) when the test ends. */
async function serve(t: import('node:test').TestContext, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  const child = leadflowAsync(['--db', tempStorePath(t), 'serve', '--port', '0', ...args], env);
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
  // A wildcard bind is reached through 127.0.0.1.
  const url = /status page: (http:\/\/[\d.]+:\d+)/.exec(banner)![1].replace('//0.0.0.0:', '//127.0.0.1:');
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

test('`leadflow serve --host 0.0.0.0` shows the token once and every read needs it', async (t) => {
  const { child, banner, url } = await serve(t, { LEADFLOW_TOKEN: '' }, ['--host', '0.0.0.0']);
  assert.match(banner, /status page: http:\/\/0\.0\.0\.0:\d+\/#token=/);
  const token = /#token=([\w-]+)/.exec(banner)![1];
  assert.equal((await fetch(`${url}/api/leads`)).status, 401);
  assert.equal((await fetch(`${url}/api/export.csv`)).status, 401);
  const ok = await fetch(`${url}/api/leads`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).total, 0);
  child.kill('SIGINT');
  await once(child, 'exit');
  assert.match(child.output().stdout, /every API request needs the token/, 'the log says what the exposure means');
});

test('`leadflow serve --unsubscribe-port` adds a listener that serves only /unsubscribe, and says where', async (t) => {
  const { child, banner, url } = await serve(t, { LEADFLOW_TOKEN: 'tok-0123456789abcdef', LEADFLOW_SECRET: 'a-secret-of-sixteen-chars-or-more' }, [
    '--unsubscribe-port',
    '0',
    '--unsubscribe-host',
    '127.0.0.1',
  ]);
  const unsubscribe = /unsubscribe links: (http:\/\/127\.0\.0\.1:\d+\/unsubscribe) serves \/unsubscribe and nothing else/.exec(banner)?.[1];
  assert.ok(unsubscribe, banner);
  assert.match(banner, /LEADFLOW_UNSUBSCRIBE_URL/);
  assert.notEqual(new URL(unsubscribe).port, new URL(url).port);
  assert.equal((await fetch(`${unsubscribe}?token=1.x`)).status, 400, 'the unsubscribe endpoint answers (an invalid link)');
  assert.equal((await fetch(unsubscribe.replace('/unsubscribe', '/api/leads'))).status, 404);
  assert.equal((await fetch(`${url}/api/leads`)).status, 200, 'the page stays where it was, on loopback');
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('`leadflow serve --unsubscribe-host` without --unsubscribe-port is a usage error', () => {
  const r = leadflow(['serve', '--unsubscribe-host', '0.0.0.0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--unsubscribe-host needs --unsubscribe-port/);
});
