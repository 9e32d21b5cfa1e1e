/** `get_metrics`: the same funnel snapshot the CLI and the status page show. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { getMetrics } from '../../lib/metrics/metrics';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { counts, toolInput } from '../shapes';

const input = toolInput({});

export const metricsOut = z.object({
  generatedAt: z.string(),
  leads: z.object({ total: z.number(), byStatus: counts, synthetic: z.number() }),
  funnel: z.array(z.object({ stage: z.string(), leads: z.number(), conversionPct: z.number() })),
  messages: z.object({ total: z.number(), byChannel: counts, byVariant: counts, byChannelVariant: counts }),
  sends: z.object({ total: z.number(), byState: counts, byChannel: counts, dryRun: z.number(), live: z.number() }),
  variants: z.array(z.object({ variant: z.string(), leads: z.number(), sent: z.number(), replied: z.number() })),
  suppressions: z.number(),
  lastRun: z.object({ id: z.number(), status: z.string(), startedAt: z.string(), finishedAt: z.string().nullable() }).nullable(),
  health: z.object({ status: z.enum(['ok', 'attention']), notes: z.array(z.string()) }),
  abTest: z
    .object({
      basis: z.enum(['live', 'dry-run', 'none']),
      alpha: z.number(),
      variants: z.array(z.object({ variant: z.string(), sent: z.number(), replies: z.number(), replyRate: z.number() }).passthrough()),
      comparison: z
        .object({ test: z.string(), pValue: z.number().nullable(), winner: z.enum(['A', 'B']).nullable(), verdict: z.string() })
        .passthrough(),
    })
    .passthrough()
    .describe('A/B reply rates with confidence intervals and a significance test; a winner is named only when significant'),
});

export function registerGetMetrics(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_metrics',
    {
      title: 'Funnel metrics',
      description:
        'The funnel (generated → enriched → messaged → sent → replied) with conversions, messages by channel and A/B variant, the send ledger by state (dry run vs live), and health notes. Read-only.',
      inputSchema: input,
      outputSchema: metricsOut,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('get_metrics', () => {
      const m = getMetrics(ctx.store);
      const funnel = m.funnel.map((f) => `${f.stage} ${f.leads}`).join(' → ');
      const summary = `${funnel}; ledger: ${m.sends.dryRun} dry-run, ${m.sends.live} live row(s); health ${m.health.status}` +
        (m.health.notes.length ? ` (${m.health.notes.join('; ')})` : '');
      return toolResult(summary, { ...m });
    }),
  );
}
