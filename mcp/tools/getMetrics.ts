/** `get_metrics`: the same funnel snapshot the CLI and the status page show. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { getMetrics } from '../../lib/metrics/metrics';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { counts, toolInput } from '../shapes';

const input = toolInput({
  campaign: z.string().min(1).optional().describe('Only this campaign\'s leads, messages and sends (its name, as list_campaigns gives it); otherwise the whole store'),
});

const interval = z.object({ low: z.number(), high: z.number() });
const variantStats = z.object({
  variant: z.string(),
  sent: z.number(),
  replies: z.number(),
  bounces: z.number(),
  unsubscribes: z.number(),
  replyRate: z.number(),
  replyRateInterval: interval,
});
const comparison = z.object({
  test: z.enum(['z-test', 'fisher-exact', 'none']),
  pValue: z.number().nullable(),
  winner: z.enum(['A', 'B']).nullable(),
  moreSendsNeeded: z.number().nullable(),
  verdict: z.string(),
});

export const metricsOut = z.object({
  generatedAt: z.string(),
  leads: z.object({ total: z.number(), byStatus: counts, synthetic: z.number() }),
  funnel: z.array(z.object({ stage: z.string(), leads: z.number(), conversionPct: z.number() })),
  messages: z.object({ total: z.number(), byChannel: counts, byVariant: counts, byChannelVariant: counts }),
  sends: z
    .object({ total: z.number(), byState: counts, byChannel: counts, dryRun: z.number(), dryRunByState: counts, live: z.number() })
    .describe('byState and byChannel count live rows (SENT: mail that left); the dry run\'s records are counted apart'),
  simulated: z.object({ leads: z.number(), sends: z.number() }).describe('what dry runs recorded: nothing of it was sent'),
  variants: z.array(z.object({ variant: z.string(), leads: z.number(), sent: z.number(), simulated: z.number(), replied: z.number() })),
  suppressions: z.number(),
  lastRun: z.object({ id: z.number(), status: z.string(), startedAt: z.string(), finishedAt: z.string().nullable() }).nullable(),
  health: z.object({ status: z.enum(['ok', 'attention']), notes: z.array(z.string()) }),
  abTest: z
    .object({
      basis: z.enum(['live', 'dry-run', 'none']),
      alpha: z.number(),
      confidence: z.number(),
      variants: z.array(variantStats),
      comparison,
      steps: z.array(z.object({ step: z.number(), variants: z.array(variantStats), comparison })).describe('the same, per sequence step'),
    })
    .describe('A/B reply rates with confidence intervals and a significance test; a winner is named only when significant'),
  llm: z
    .object({
      requests: z.number(),
      promptTokens: z.number(),
      completionTokens: z.number(),
      byPurpose: z.record(z.string(), z.object({ requests: z.number(), tokens: z.number() })),
      byOutcome: counts,
      callsSavedByCache: z.number(),
      cachedCompanies: z.number(),
    })
    .describe('AI mode: Groq requests, tokens, and the calls the enrichment cache saved'),
  campaign: z
    .object({ id: z.number(), name: z.string(), state: z.string(), product: z.string() })
    .nullable()
    .describe('the campaign these figures are of; null: the whole store'),
});

export function registerGetMetrics(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_metrics',
    {
      title: 'Funnel metrics',
      description:
        'The funnel (generated → enriched → messaged → sent → replied; sent counts mail that left, a dry run\'s records are the separate simulated figure) with conversions, messages by channel and A/B variant, the send ledger by state (dry run apart from live), and health notes. With campaign: that campaign\'s figures only, its A/B test per step. Read-only.',
      inputSchema: input,
      outputSchema: metricsOut,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('get_metrics', async (args: { campaign?: string }) => {
      const m = await getMetrics(ctx.store, { campaign: args.campaign });
      const funnel = m.funnel.map((f) => `${f.stage} ${f.leads}`).join(' → ');
      const summary =
        `${m.campaign ? `campaign ${m.campaign.name}: ` : ''}${funnel}` +
        (m.simulated.leads ? ` (dry run: ${m.simulated.leads} lead(s) simulated, nothing sent)` : '') +
        `; ledger: ${m.sends.dryRun} dry-run, ${m.sends.live} live row(s); health ${m.health.status}` +
        (m.health.notes.length ? ` (${m.health.notes.join('; ')})` : '');
      return toolResult(summary, { ...m });
    }),
  );
}
