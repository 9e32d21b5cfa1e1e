/**
 * `preview_campaign`: what a campaign would write, before anything is queued — each step, channel and variant
 * rendered for a few of its enriched leads (or a sample lead) by the drafter personalize uses. Writes nothing.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { previewCampaign } from '../../lib/campaigns/preview';
import { CHANNELS, VARIANTS } from '../../lib/types';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { campaignName, campaignState, lintFindingOut, toolInput, wholeNumber } from '../shapes';

const input = toolInput({
  campaign: campaignName.describe('the campaign\'s name (see list_campaigns)'),
  leads: wholeNumber('leads', 1, 20).default(2).describe('render for this many of its enriched leads (1–20, default 2)'),
});

const output = z.object({
  campaign: z.object({
    id: z.number(), name: z.string(), state: campaignState, product: z.string(), sender: z.string(), steps: z.number(), builtin: z.boolean(),
  }),
  warnings: z.array(lintFindingOut).describe('the linter\'s warnings for the campaign as saved'),
  leadsShown: z.number().describe('how many of its leads the samples were rendered for; 0: a sample lead with long values'),
  samples: z.array(
    z.object({
      step: z.number(),
      channel: z.enum(CHANNELS),
      variant: z.enum(VARIANTS),
      leadId: z.number().nullable().describe('null: the sample lead'),
      email: z.string(),
      subject: z.string().nullable(),
      body: z.string(),
      words: z.number(),
      writtenBy: z.enum(['template', 'fallback', 'model']).describe('model: written by the model at personalize time (AI mode); fallback: the template used when no model is set up'),
      problems: z.array(z.string()).describe('the copy contract\'s complaints about this rendering'),
    }),
  ),
});

export function registerPreviewCampaign(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'preview_campaign',
    {
      title: 'Preview a campaign',
      description:
        'Render a campaign\'s messages before anything is written or queued: every step, channel and A/B variant, for a few of its ' +
        'enriched leads (or, with none yet, a sample lead with long values), exactly as generate_messages would write them, with the ' +
        'copy contract\'s complaints. Show these to the user before activating the campaign. Writes nothing.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('preview_campaign', async (a: z.infer<typeof input>) => {
      const p = await previewCampaign(ctx.store, a.campaign, { leads: a.leads });
      const first = p.samples[0];
      const summary = p.campaign.builtin
        ? `"${p.campaign.name}" is the built-in demo campaign: its copy is the built-in templates, nothing to preview`
        : `campaign "${p.campaign.name}" (${p.campaign.state}): ${p.samples.length} sample(s) over ${p.campaign.steps} step(s) for ` +
          (p.leadsShown ? `${p.leadsShown} of its lead(s)` : 'a sample lead (none of its leads is enriched yet)') +
          (p.samples.some((s) => s.problems.length) ? '; some renderings break the copy contract (see problems)' : '') +
          (p.warnings.length ? `; ${p.warnings.length} warning(s)` : '') +
          (first ? `. First: "${first.subject ?? ''}" — ${first.body.split('\n')[0]}` : '');
      return toolResult(summary, { ...p });
    }),
  );
}
