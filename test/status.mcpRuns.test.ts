/**
 * The status page and the MCP server run pipelines through one runner (lib/pipeline/backgroundRunner): a run started
 * by either is a `backgroundProcess` child of the adapter that started it, the other adapter sees it, and a stop from
 * either side stops it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { getRun } from '../lib/store/runs';
import { startTestStatusServer, type TestStatusServer } from './support/browserServer';
import { mcpOverStdio } from './support/mcpClient';

type Sse = { event: string; data: any };

/** The page's event stream, read until `until` holds. */
function eventStream(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Sse[] = [];
  let buffer = '';
  return async (until: (events: Sse[]) => boolean): Promise<Sse[]> => {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
    return events;
  };
}

/** What a process runs, and who started it (Linux /proc). */
function processInfo(pid: number): { command: string; parent: number } {
  const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return { command, parent };
}

/** The process that owns a run's row: the run process itself. */
function runProcess(h: TestStatusServer, runId: number): { pid: number; command: string; parent: number } {
  const owner = getRun(h.store, runId)!.owner;
  const pid = Number(owner.split('@')[0]);
  return { pid, ...processInfo(pid) };
}

const RUN_PROCESS = /lib\/pipeline\/backgroundProcess\.(ts|js)/;

test('a run started over MCP runs in the lib’s background runner, shows on the page’s event stream, and the page’s Stop stops it', async (t) => {
  const h = await startTestStatusServer(t);
  const read = eventStream(await fetch(h.url + '/api/events'));
  const mcp = await mcpOverStdio(t, h.storePath);
  const started = await mcp.ok<{ runId: number; status: string }>('run_pipeline', {
    leads: 500_000,
    batch_size: 250,
    channels: ['email'],
    wait_seconds: 0,
  });
  assert.equal(started.status, 'RUNNING');

  const run = runProcess(h, started.runId);
  assert.match(run.command, RUN_PROCESS, 'the run is the lib runner’s process');
  const server = processInfo(run.parent);
  assert.match(server.command, /mcp\/main\.(ts|js)/, 'started by the MCP server');
  assert.equal(processInfo(server.parent).parent, process.pid, 'the MCP server this test started (through the leadflow CLI)');
  assert.equal((mcp.client.transport as StdioClientTransport).pid, server.parent);

  const seen = await read((es) => es.some((e) => e.event === 'progress' && e.data.runId === started.runId && e.data.elsewhere));
  assert.ok(seen.find((e) => e.event === 'progress' && e.data.runId === started.runId)!.data.progress.generate.total === 500_000);

  const stop = await (await h.authed('/api/pipeline/stop', { method: 'POST' })).json();
  assert.equal(stop.asked, 1);
  const events = await read((es) => es.some((e) => e.event === 'run' && e.data.runId === started.runId && !e.data.running));
  assert.equal(events.find((e) => e.event === 'run' && e.data.runId === started.runId && !e.data.running)!.data.status, 'STOPPED');
  const status = await mcp.ok<{ running: unknown[]; lastRun: { id: number; status: string } }>('get_status');
  assert.deepEqual(status.running, []);
  assert.deepEqual([status.lastRun.id, status.lastRun.status], [started.runId, 'STOPPED']);
});

test('a run started from the page runs in the same runner, shows in get_status, and MCP’s stop_pipeline stops it', async (t) => {
  const h = await startTestStatusServer(t);
  const read = eventStream(await fetch(h.url + '/api/events'));
  const mcp = await mcpOverStdio(t, h.storePath);
  const res = await h.authed('/api/pipeline/run', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ leads: 500_000, batchSize: 250, channels: ['email'] }),
  });
  assert.equal(res.status, 202);
  const { runId } = (await res.json()) as { runId: number };

  const run = runProcess(h, runId);
  assert.match(run.command, RUN_PROCESS, 'the run is the lib runner’s process');
  assert.equal(run.parent, process.pid, 'started by the page, which lives in this test process');

  const status = await mcp.ok<{ running: { id: number }[] }>('get_status');
  assert.deepEqual(status.running.map((r) => r.id), [runId]);
  assert.match(await mcp.error('run_pipeline', { leads: 10 }), new RegExp(`run #${runId} is still running`), 'one run at a time, across adapters');

  await read((es) => es.some((e) => e.event === 'progress' && e.data.runId === runId));
  const stop = await mcp.ok<{ asked: number; runIds: number[] }>('stop_pipeline');
  assert.deepEqual(stop.runIds, [runId]);
  const events = await read((es) => es.some((e) => e.event === 'run' && e.data.runId === runId && !e.data.running));
  assert.equal(events.find((e) => e.event === 'run' && e.data.runId === runId && !e.data.running)!.data.status, 'STOPPED');
  assert.equal(getRun(h.store, runId)?.status, 'STOPPED');
  assert.equal(h.server.status.runner!.busy, false);
});
