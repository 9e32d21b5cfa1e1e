/**
 * `generate_leads`: synthetic leads from a seed, on reserved `.example` domains, so nothing made here can ever be
 * mailed. The same seed gives the same leads, so a repeated call reports duplicates instead of adding copies.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createLeadGenerator } from '../../lib/leads/generate/generate';
import { ingestLeadBatch } from '../../lib/leads/ingest';
import { getLead } from '../../lib/store/leads';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { industries, leadOut, wholeNumber, toolInput } from '../shapes';

export const MAX_GENERATE = 10_000;

const input = toolInput({
    count: wholeNumber('count', 1, MAX_GENERATE).describe(`how many leads to generate (1–${MAX_GENERATE})`),
    seed: z.number({ error: 'seed must be an integer' }).int({ error: 'seed must be an integer' })
      .min(-(2 ** 53) + 1, { error: 'seed is too small' }).max(2 ** 53 - 1, { error: 'seed is too large' }).optional()
      .describe('the same seed gives the same leads; leave it out for a fresh random seed (reported back)'),
    industries: industries.optional().describe('restrict companies to these industries'),
  });

const output = z.object({
  seed: z.number(),
  requested: z.number(),
  inserted: z.number().describe('new leads now in the store, status NEW'),
  duplicates: z.number().describe('generated leads whose email was already in the store (e.g. the same seed again)'),
  ids: z.object({ first: z.number(), last: z.number() }).nullable().describe('id range of the inserted leads'),
  sample: z.array(leadOut).describe('the first few inserted leads'),
});

export function registerGenerateLeads(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'generate_leads',
    {
      title: 'Generate synthetic leads',
      description:
        'Generate synthetic B2B leads (name, title, company, website, LinkedIn URL, country) into the store as NEW. They live on reserved .example domains and are marked synthetic: useful to try the pipeline, never mailed live.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded('generate_leads', (a: z.infer<typeof input>) => {
      const seed = a.seed ?? randomInt(1, 2 ** 31);
      const generator = createLeadGenerator({ seed, industries: a.industries });
      const leads = Array.from({ length: a.count }, () => generator.next());
      const result = ingestLeadBatch(ctx.store, leads);
      const ids = result.inserted.map((r) => r.id);
      const sample = ids.slice(0, 3).map((id) => getLead(ctx.store, id)!);
      const structured = {
        seed,
        requested: a.count,
        inserted: ids.length,
        duplicates: result.skipped.length,
        ids: ids.length ? { first: Math.min(...ids), last: Math.max(...ids) } : null,
        sample,
      };
      const summary =
        `generated ${a.count} synthetic lead(s) with seed ${seed}: ${ids.length} new` +
        (result.skipped.length ? `, ${result.skipped.length} already in the store` : '') +
        (ids.length ? ` (ids ${structured.ids!.first}–${structured.ids!.last}); next: enrich_leads` : '');
      return toolResult(summary, structured);
    }),
  );
}
