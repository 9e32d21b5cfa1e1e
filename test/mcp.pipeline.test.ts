/** run_pipeline / stop_pipeline / get_status over MCP: runs in the lib's background runner, followed and stopped through the store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../lib/store/store';
import { mcpOverStdio, type McpSession } from './support/mcpClient';
import { tempStorePath } from './support/tmp';

interface Run { runId: number; status: string; finished: boolean; resumedFrom: number | null; progress: { generate: { inserted: number }; send: { simulated: number } } }
interface Status { running: { id: number }[]; lastRun: { id: number; status: string } | null; resumableRunId: number | null }

/** Poll get_status until no run is in flight (bounded, so a broken stop fails the test instead of hanging it). */
async function untilIdle(mcp: McpSession): Promise<Status> {
  for (let i = 0; i < 600; i++) {
    const st = await mcp.ok<Status>('get_status');
    if (st.running.length === 0) return st;
    await sleep(100);
  }
  throw new Error('the run did not stop within a minute');
}

test('run_pipeline runs all four stages as a dry run and reports the finished run', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  const r = await mcp.ok<Run>('run_pipeline', { leads: 40, seed: 5, channels: ['email'], wait_seconds: 50 });
  assert.equal(r.status, 'DONE');
  assert.equal(r.finished, true);
  assert.equal(r.progress.generate.inserted, 40);
  assert.equal(r.progress.send.simulated, 40);
  const s = openStore(db);
  t.after(() => s.close());
  assert.equal(s.stmt("SELECT count(*) AS n FROM leads WHERE status = 'MESSAGED'").get()?.n, 40, 'a dry run leaves its leads MESSAGED');
  assert.equal(s.stmt("SELECT count(*) AS n FROM sends WHERE dry_run = 1 AND state = 'SENT'").get()?.n, 40);
  assert.equal(s.stmt('SELECT count(*) AS n FROM sends WHERE dry_run = 0').get()?.n, 0, 'nothing live');
  assert.equal(s.stmt('SELECT status FROM runs WHERE id = ?').get(r.runId)?.status, 'DONE');
});

test('stop_pipeline stops a background run after its batch, and resume: true continues it', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db);
  const started = await mcp.ok<Run>('run_pipeline', { leads: 500_000, batch_size: 500, channels: ['email'], wait_seconds: 0 });
  assert.equal(started.status, 'RUNNING');
  assert.match(await mcp.error('run_pipeline', { leads: 10 }), new RegExp(`run #${started.runId} is still running`));
  // run_pipeline returns as soon as the run exists: let it commit a batch or two, so the stop lands part-way.
  for (let i = 0; i < 600; i++) {
    const st = await mcp.ok<{ running: { progress: { generate: { done: number } } }[] }>('get_status');
    if ((st.running[0]?.progress.generate.done ?? 0) > 0) break;
    await sleep(50);
  }

  const stop = await mcp.ok<{ asked: number; runIds: number[] }>('stop_pipeline');
  assert.deepEqual(stop.runIds, [started.runId]);
  const idle = await untilIdle(mcp);
  assert.equal(idle.lastRun?.status, 'STOPPED');
  assert.equal(idle.resumableRunId, started.runId);

  const s = openStore(db);
  t.after(() => s.close());
  const leads = Number(s.stmt('SELECT count(*) AS n FROM leads').get()?.n);
  assert.ok(leads > 0 && leads < 500_000, `stopped part-way (${leads} leads)`);
  assert.equal(leads % 500, 0, 'whole batches only: nothing half-written');

  const resumed = await mcp.ok<Run>('run_pipeline', { resume: true, wait_seconds: 0 });
  assert.equal(resumed.resumedFrom, started.runId);
  await mcp.ok('stop_pipeline');
  const again = await untilIdle(mcp);
  assert.equal(again.lastRun?.id, resumed.runId);
  assert.equal(again.lastRun?.status, 'STOPPED');
});

test('resume with nothing to resume says how to start a run', async (t) => {
  const mcp = await mcpOverStdio(t, tempStorePath(t));
  assert.match(await mcp.error('run_pipeline', { resume: true }), /no stopped or crashed run to resume: start one with run_pipeline/);
  assert.match(await mcp.ok<{ asked: number }>('stop_pipeline').then((r) => String(r.asked)), /^0$/);
});
