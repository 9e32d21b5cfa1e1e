/** `enrich_leads`: NEW → ENRICHED, in batches, each one transaction; calling it again continues with the rest. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { enrichNewLeads } from '../../lib/enrich/stage';
import { countLeadsByStatus } from '../../lib/store/leads';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { mode, wholeNumber, toolInput } from '../shapes';
import { groqClientFromEnv } from '../aiMode';
import { enrichNewLeadsWithAi } from '../../lib/enrich/aiStage';

const input = toolInput({
    mode: mode.default('offline').describe('offline: rules, no network (default); ai: Groq, needs GROQ_API_KEY'),
    limit: wholeNumber('limit', 1, 1_000_000).optional().describe('enrich at most this many NEW leads (default: all)'),
  });

const output = z.object({
  mode: z.enum(['offline', 'ai']),
  enriched: z.number().describe('leads moved NEW → ENRICHED by this call'),
  ai: z
    .object({ byModel: z.number(), fromCache: z.number(), fellBack: z.number(), deferred: z.number() })
    .optional()
    .describe('ai mode: answered by the model, from the cache, by the rules after a model failure, or left NEW for later'),
  remainingNew: z.number().describe('NEW leads still waiting'),
});

export function registerEnrichLeads(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'enrich_leads',
    {
      title: 'Enrich new leads',
      description:
        'Enrich NEW leads: company size, persona, seniority, pain points and buying triggers, each field with its provenance. Offline rules by default; mode "ai" uses Groq. Leads move to ENRICHED; next: generate_messages.',
      inputSchema: input,
      outputSchema: output,
      // openWorld: mode "ai" sends lead data to Groq.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    guarded('enrich_leads', async (a: z.infer<typeof input>) => {
      if (a.mode === 'ai') {
        const t = await enrichNewLeadsWithAi(ctx.store, groqClientFromEnv(ctx.store, ctx.env), { limit: a.limit });
        const remainingNew = countLeadsByStatus(ctx.store).NEW ?? 0;
        const summary =
          `enriched ${t.enriched} lead(s) with AI (${t.byModel} by the model, ${t.fromCache} from cache, ${t.fellBack} by rules after a model failure)` +
          (t.deferred ? `; ${t.deferred} deferred by the rate budget — call again later` : '') +
          (remainingNew ? `; ${remainingNew} NEW lead(s) left` : '');
        const { byModel, fromCache, fellBack, deferred } = t;
        return toolResult(summary, { mode: a.mode, enriched: t.enriched, remainingNew, ai: { byModel, fromCache, fellBack, deferred } });
      }
      const tally = enrichNewLeads(ctx.store, { limit: a.limit });
      const remainingNew = countLeadsByStatus(ctx.store).NEW ?? 0;
      const summary =
        `enriched ${tally.enriched} lead(s) offline` +
        (remainingNew ? `; ${remainingNew} NEW lead(s) left — call again to continue` : '') +
        (tally.enriched ? '; next: generate_messages' : '');
      return toolResult(summary, { mode: a.mode, enriched: tally.enriched, remainingNew });
    }),
  );
}
