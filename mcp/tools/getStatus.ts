/** `get_status`: where the work stands — leads per status, runs in flight, the ledger, whether live mail is set up,
 * and what to call next. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { getPipelineStatus, type PipelineStatus } from '../../lib/pipeline/status';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { counts, toolInput } from '../shapes';
import { liveReadiness } from '../liveReadiness';

const input = toolInput({});

const run = z.object({
  id: z.number(),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  stopRequested: z.boolean(),
  error: z.string().nullable(),
  resumedFrom: z.number().nullable(),
  progress: z.unknown(),
  options: z.unknown(),
});

const output = z.object({
  store: z.string().describe('the SQLite file this server works on'),
  checkedAt: z.string(),
  leads: z.object({ total: z.number(), byStatus: counts }),
  running: z.array(run),
  lastRun: run.nullable(),
  resumableRunId: z.number().nullable(),
  sends: z.object({ dryRun: counts, live: counts }),
  liveSending: z.object({ ready: z.boolean(), detail: z.string() }),
  next: z.array(z.string()).describe('suggested next calls'),
});

function nextSteps(s: PipelineStatus): string[] {
  const next: string[] = [];
  const b = s.leads.byStatus;
  if (s.running.length) next.push(`run #${s.running[0].id} is running: call get_status again to follow it, or stop_pipeline`);
  if (s.leads.total === 0) next.push('the store is empty: generate_leads (synthetic) or import_leads (real leads)');
  if (b.NEW) next.push(`${b.NEW} NEW lead(s): enrich_leads`);
  if (b.ENRICHED) next.push(`${b.ENRICHED} ENRICHED lead(s): generate_messages`);
  if (b.MESSAGED) next.push(`${b.MESSAGED} MESSAGED lead(s): send_outreach (dry run by default)`);
  if (s.sends.live.UNKNOWN) next.push(`${s.sends.live.UNKNOWN} live send(s) UNKNOWN: a process stopped mid-send; check before retrying`);
  if (!s.running.length && s.resumableRunId) next.push(`run #${s.resumableRunId} stopped before finishing: run_pipeline {"resume": true}`);
  return next;
}

export function registerGetStatus(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_status',
    {
      title: 'Status',
      description:
        'Where the work stands: leads per status, pipeline runs in flight (with progress and whether a stop was asked), the last run, the send ledger (dry run vs live), whether live email is configured, and suggested next calls. Read-only.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('get_status', () => {
      const s = getPipelineStatus(ctx.store);
      const live = liveReadiness(ctx.env);
      const next = nextSteps(s);
      const byStatus = Object.entries(s.leads.byStatus).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ');
      const summary =
        `${s.leads.total} lead(s)${byStatus ? ` (${byStatus})` : ''}; ` +
        (s.running.length ? `run #${s.running[0].id} running` : s.lastRun ? `last run #${s.lastRun.id} ${s.lastRun.status}` : 'no runs yet') +
        `; live email ${live.ready ? 'configured' : 'not configured'}`;
      return toolResult(summary, {
        ...s,
        liveSending: { ready: live.ready, detail: live.ready ? live.summary : live.reason },
        next,
      });
    }),
  );
}
