/**
 * Ctrl-C on `leadflow run` stops after the current batch, as the CLI promises — the run is left STOPPED and
 * resumable, not carried on to the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { openStore } from '../lib/store/store';
import { latestRun } from '../lib/store/runs';
import { leadflowAsync } from './support/cli';
import { tempStorePath } from './support/tmp';

test('Ctrl-C during an offline run stops it after its batch, STOPPED and resumable', async (t) => {
  const db = tempStorePath(t);
  const LEADS = 300_000; // far more than the few seconds before the signal can get through
  const child = leadflowAsync(['--db', db, 'run', '--leads', String(LEADS), '--channels', 'email', '--batch-size', '500']);
  // Wait until the run exists and has committed a batch, then interrupt it as a terminal would.
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const s = openStore(db);
    try {
      if ((latestRun<unknown, { generate: { done: number } }>(s)?.progress.generate.done ?? 0) > 0) break;
    } finally {
      s.close();
    }
  }
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0, child.output().stderr);
  assert.match(child.output().stderr, /stopping after the current batch/);
  assert.match(child.output().stdout, /Resume it with `leadflow run --resume`/);
  const s = openStore(db);
  t.after(() => s.close());
  const run = latestRun(s)!;
  assert.equal(run.status, 'STOPPED');
  const leads = Number(s.stmt('SELECT count(*) AS n FROM leads').get()?.n);
  assert.ok(leads > 0 && leads < LEADS, `${leads} of ${LEADS} leads: the run stopped part-way`);
});
