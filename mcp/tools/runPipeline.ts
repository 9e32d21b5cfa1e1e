/**
 * `run_pipeline`: generate → enrich → personalize → send, always as a dry run (nothing leaves the machine), through
 * the lib's background runner (its own process, as for the status page's Run). The tool waits up to `wait_seconds`
 * for the run to finish and returns where it got; a longer run goes on in the background, watched with `get_status`
 * and stopped with `stop_pipeline`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { getRun } from '../../lib/store/runs';
import { RunInProgressError, type BackgroundRunRequest } from '../../lib/pipeline/backgroundRunner';
import { NothingToResumeError } from '../../lib/pipeline/pipeline';
import type { ToolContext } from '../context';
import { guarded, toolError, toolResult } from '../result';
import { channels, industries, wholeNumber, toolInput } from '../shapes';

const input = toolInput({
    leads: wholeNumber('leads', 0, 1_000_000).optional()
      .describe('synthetic leads to generate first (default 100; 0 works on the leads already in the store)'),
    seed: z.number({ error: 'seed must be an integer' }).int({ error: 'seed must be an integer' }).optional()
      .describe('generator seed (default 42): the same seed gives the same leads'),
    industries: industries.optional().describe('restrict generated leads to these industries'),
    channels: channels.optional().describe('channels to write and (dry-run) send on; default both'),
    batch_size: wholeNumber('batch_size', 1, 100_000).optional().describe('leads per transaction (default 1000)'),
    resume: z.boolean({ error: 'resume must be true or false' }).default(false)
      .describe('resume the last stopped or crashed run with its own options instead of starting a new one'),
    wait_seconds: wholeNumber('wait_seconds', 0, 50).default(20)
      .describe('how long to wait for the run to finish before returning (0–50); it keeps running after that'),
  })
  .refine((a) => !a.resume || [a.leads, a.seed, a.industries, a.channels, a.batch_size].every((v) => v === undefined), {
    error: 'resume takes no other options: a resumed run continues with the options it was started with',
    path: ['resume'],
  });

const output = z.object({
  runId: z.number(),
  status: z.string().describe('RUNNING, DONE, STOPPED, FAILED or CRASHED'),
  finished: z.boolean(),
  resumedFrom: z.number().nullable(),
  options: z.unknown(),
  progress: z.unknown().describe('per-stage counts: generate, enrich, personalize, send'),
  error: z.string().nullable(),
});

export function registerRunPipeline(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'run_pipeline',
    {
      title: 'Run the whole pipeline (dry run)',
      description:
        'Run generate → enrich → personalize → send over the store as a DRY RUN (sends are recorded, nothing is mailed), in batches. Waits up to wait_seconds, then returns the run id and progress; longer runs continue in the background (get_status to watch, stop_pipeline to stop, resume: true to continue a stopped run). To mail for real use send_outreach.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded('run_pipeline', async (a: z.infer<typeof input>) => {
      const request: BackgroundRunRequest = a.resume
        ? { resume: true }
        : {
            options: {
              leads: a.leads ?? 100,
              seed: a.seed ?? 42,
              channels: a.channels ?? ['email', 'linkedin'],
              industries: a.industries,
              batchSize: a.batch_size ?? 1000,
              enrichMode: 'offline',
              personalizeMode: 'template',
            },
          };
      let started;
      try {
        started = await ctx.runner.start(request);
      } catch (err) {
        if (err instanceof RunInProgressError) {
          return toolError(
            `run #${err.runId ?? '?'} is still running: watch it with get_status, or stop it with stop_pipeline before starting another`,
          );
        }
        if (err instanceof NothingToResumeError) {
          return toolError('there is no stopped or crashed run to resume: start one with run_pipeline (without resume)');
        }
        throw err;
      }
      const waited = new AbortController();
      await Promise.race([started.finished, sleep(a.wait_seconds * 1000, undefined, { signal: waited.signal }).catch(() => {})]);
      waited.abort();
      const run = getRun(ctx.store, started.runId)!;
      const finished = run.status !== 'RUNNING';
      const summary = finished
        ? `run #${run.id} ${run.status.toLowerCase()} (dry run, nothing was mailed)` + (run.error ? `: ${run.error}` : '')
        : `run #${run.id} is still running after ${a.wait_seconds} s (dry run); check get_status, or stop it with stop_pipeline`;
      return toolResult(summary, {
        runId: run.id,
        status: run.status,
        finished,
        resumedFrom: run.resumedFrom,
        options: run.options,
        progress: run.progress,
        error: run.error,
      });
    }),
  );
}
