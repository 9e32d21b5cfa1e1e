/**
 * The background runner both adapters use (MCP `run_pipeline`, the status page's Run): a run in its own process,
 * followed through progress events, stopped through the store, reaped when its process dies, and never outliving the
 * program that started it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, type Store } from '../lib/store/store';
import { BackgroundRunner, RunInProgressError, RunNotStartedError } from '../lib/pipeline/backgroundRunner';
import { NothingToResumeError, type ProgressEvent } from '../lib/pipeline/pipeline';
import { getRun, latestResumable, requestStop } from '../lib/store/runs';
import { LeadflowError } from '../lib/errors';
import { tempStorePath } from './support/tmp';

const count = (s: Store, sql: string) => Number(s.stmt(sql).get()?.n ?? 0);

function runnerOn(t: TestContext, env?: NodeJS.ProcessEnv) {
  const store = openStore(tempStorePath(t));
  const runner = new BackgroundRunner(store, env ? { env } : {});
  t.after(async () => {
    await runner.close(2_000);
    store.close();
  });
  return { store, runner };
}

/** Whether a process is running (a zombie waiting for a reaper is not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('a run goes on in its own process: progress arrives per batch while the caller’s event loop keeps turning', async (t) => {
  const { store, runner } = runnerOn(t);
  const events: ProgressEvent[] = [];
  runner.on('progress', (e) => events.push(e));
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  t.after(() => clearInterval(ticker));

  const run = await runner.start({ options: { leads: 3_000, seed: 9, channels: ['email'], batchSize: 100 } });
  assert.notEqual(run.pid, process.pid);
  assert.equal(getRun(store, run.runId)?.owner.split('@')[0], String(run.pid), 'the run belongs to its own process');
  assert.equal(runner.busy, true);
  const done = await run.finished;
  clearInterval(ticker);

  assert.equal(done.status, 'DONE');
  assert.equal(done.result?.progress.send.simulated, 3_000);
  assert.equal(runner.busy, false);
  const generate = events.filter((e) => e.runId === run.runId && e.stage === 'generate').map((e) => e.done);
  assert.ok(generate.length >= 30, `one progress event per batch (${generate.length})`);
  assert.deepEqual(generate, [...generate].sort((a, b) => a - b));
  assert.ok(ticks > 5, `the caller's timers ran during the run (${ticks})`);
  assert.equal(count(store, "SELECT count(DISTINCT lead_id) AS n FROM sends WHERE dry_run = 1 AND state = 'SENT'"), 3_000);
});

test('a stop asked through the store by anyone ends the run at a batch boundary, and resume continues it', async (t) => {
  const { store, runner } = runnerOn(t);
  const run = await runner.start({ options: { leads: 500_000, seed: 1, channels: ['email'], batchSize: 250 } });
  await assert.rejects(runner.start({ options: { leads: 1, seed: 1, channels: ['email'] } }), (e: unknown) => {
    assert.ok(e instanceof RunInProgressError && e instanceof LeadflowError);
    assert.equal(e.kind, 'conflict');
    assert.match(e.message, new RegExp(`run #${run.runId} is already going`));
    return true;
  });
  await until(() => count(store, 'SELECT count(*) AS n FROM leads') > 0, 'the first batch');

  // Another connection, as `leadflow stop` or the other adapter would.
  const other = openStore(store.path);
  t.after(() => other.close());
  assert.equal(requestStop(other), 1);
  const stopped = await run.finished;
  assert.equal(stopped.status, 'STOPPED');
  const leads = count(store, 'SELECT count(*) AS n FROM leads');
  assert.ok(leads < 500_000 && leads % 250 === 0, `whole batches only (${leads})`);

  const resumed = await runner.start({ resume: true });
  assert.equal(getRun(store, resumed.runId)?.resumedFrom, run.runId);
  assert.deepEqual(runner.stop(resumed.runId), [resumed.runId]);
  assert.equal((await resumed.finished).status, 'STOPPED');
  assert.ok(count(store, 'SELECT count(*) AS n FROM leads') >= leads);
});

test('close() stops the runner’s run at a batch boundary and waits for its process', async (t) => {
  const { store, runner } = runnerOn(t);
  const run = await runner.start({ options: { leads: 500_000, seed: 2, channels: ['email'], batchSize: 250 } });
  await until(() => count(store, 'SELECT count(*) AS n FROM leads') > 0, 'the first batch');
  await runner.close();
  assert.equal(runner.busy, false);
  assert.equal(getRun(store, run.runId)?.status, 'STOPPED');
  await assert.rejects(runner.start({ options: { leads: 1, seed: 1, channels: ['email'] } }), /closing/);
});

test('a run whose process is killed is CRASHED at once, and resumes', async (t) => {
  const { store, runner } = runnerOn(t);
  const finished: string[] = [];
  runner.on('finished', (s) => finished.push(String(s.status)));
  const run = await runner.start({ options: { leads: 500_000, seed: 3, channels: ['email'], batchSize: 250 } });
  await until(() => count(store, 'SELECT count(*) AS n FROM leads') > 0, 'the first batch');
  process.kill(run.pid, 'SIGKILL');
  const ended = await run.finished;
  assert.equal(ended.status, 'CRASHED');
  assert.deepEqual(finished, ['CRASHED']);
  assert.equal(getRun(store, run.runId)?.status, 'CRASHED', 'reaped without waiting for the next run');
  assert.equal(latestResumable(store)?.id, run.runId);

  const resumed = await runner.start({ resume: true });
  runner.stop();
  assert.equal((await resumed.finished).status, 'STOPPED');
  assert.equal(getRun(store, resumed.runId)?.resumedFrom, run.runId);
});

test('a run that cannot start says why, with the kind of the error, and leaves no run behind', async (t) => {
  const env = { ...process.env };
  delete env.GROQ_API_KEY;
  const { store, runner } = runnerOn(t, env);
  await assert.rejects(runner.start({ options: { leads: 5, seed: 1, channels: ['email'], enrichMode: 'ai' } }), (e: unknown) => {
    assert.ok(e instanceof RunNotStartedError);
    assert.equal(e.kind, 'config');
    assert.equal(e.reason, 'MissingGroqKeyError');
    assert.match(e.message, /GROQ_API_KEY is not set/);
    return true;
  });
  await assert.rejects(runner.start({ resume: true }), NothingToResumeError);
  assert.equal(count(store, 'SELECT count(*) AS n FROM runs'), 0);
  assert.equal(runner.busy, false);
});

test('a run stops at its next batch when the program that started it dies', async (t) => {
  const path = tempStorePath(t);
  const host = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'backgroundRunnerHost.ts'), path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => host.kill('SIGKILL'));
  let out = '';
  host.stdout!.on('data', (d) => (out += d));
  await until(() => /^\d+ \d+\n/.test(out), 'the host to start its run');
  const [runId, pid] = out.trim().split(' ').map(Number);
  const store = openStore(path);
  t.after(() => store.close());
  await until(() => count(store, 'SELECT count(*) AS n FROM leads') > 0, 'the first batch');

  host.kill('SIGKILL');
  await once(host, 'exit');
  await until(() => getRun(store, runId)?.status !== 'RUNNING', 'the orphaned run to stop', 30_000);
  assert.equal(getRun(store, runId)?.status, 'STOPPED', 'stopped cleanly, resumable');
  await until(() => !running(pid), 'the run process to exit', 10_000);
  assert.ok(count(store, 'SELECT count(*) AS n FROM leads') < 2_000_000);
});
