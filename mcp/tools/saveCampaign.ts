/**
 * `create_campaign` and `update_campaign`: a campaign given as one object (what a campaign file holds), validated
 * and linted by the lib when it is saved. A campaign that does not pass comes back as an error naming every
 * problem — each field by its path, each template finding by step, channel and variant — and nothing is saved;
 * one that passes comes back with the linter's warnings.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CampaignLintError, campaignSummary, loadCampaigns, saveCampaign } from '../../lib/campaigns/campaigns';
import { parseCampaignSpec } from '../../lib/campaigns/spec';
import { campaignRowByName } from '../../lib/store/campaigns';
import type { ToolContext } from '../context';
import { guarded, toolError, toolResult } from '../result';
import { campaignOut, campaignSpecArg, lintFindingOut, toolInput } from '../shapes';

const SOURCE = 'the campaign argument';

const input = toolInput({ campaign: campaignSpecArg });

const output = z.object({
  campaign: campaignOut,
  created: z.boolean().describe('true: a new campaign (a draft); false: the campaign of that name was updated'),
  warnings: z.array(lintFindingOut).describe('what the linter would have you look at: spam-like words, AI variants without a fallback, …'),
});

type Tool = 'create_campaign' | 'update_campaign';

/** Save, or say everything the linter found: the errors that refused it, and the warnings worth fixing with them. */
async function save(ctx: ToolContext, tool: Tool, value: unknown) {
  const spec = parseCampaignSpec(value, SOURCE);
  const existing = await campaignRowByName(ctx.store, spec.name);
  if (tool === 'create_campaign' && existing) {
    return toolError(`${tool} failed: a campaign named "${spec.name}" exists already (${existing.state}); change it with update_campaign, or give this one another name`);
  }
  if (tool === 'update_campaign' && !existing) {
    const names = [...(await loadCampaigns(ctx.store)).values()].map((c) => c.name);
    return toolError(`${tool} failed: there is no campaign "${spec.name}" (campaigns: ${names.join(', ')}); create it with create_campaign`);
  }
  let saved;
  try {
    saved = await saveCampaign(ctx.store, spec, { source: SOURCE });
  } catch (err) {
    if (!(err instanceof CampaignLintError)) throw err;
    const warnings = err.report.warnings.map((w) => `  - ${w.where}: ${w.message}`);
    return toolError(`${tool} failed: ${err.message}` + (warnings.length ? `\nalso worth a look (warnings):\n${warnings.join('\n')}` : ''));
  }
  const campaign = await campaignSummary(ctx.store, saved.campaign.id);
  const summary =
    `campaign "${campaign.name}" ${saved.created ? 'created' : 'updated'} (${campaign.state}, ${campaign.steps} step(s), ${campaign.leads} lead(s))` +
    (saved.warnings.length ? `; ${saved.warnings.length} warning(s): ${saved.warnings.map((w) => `${w.where}: ${w.message}`).join('; ')}` : '; no warnings') +
    (campaign.state === 'draft'
      ? '. Next: import_leads or add_leads_to_campaign, preview_campaign, then set_campaign_state activate — only an active campaign\'s leads are sent'
      : '');
  return toolResult(summary, { campaign, created: saved.created, warnings: saved.warnings });
}

const annotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false };

export function registerCreateCampaign(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'create_campaign',
    {
      title: 'Create a campaign',
      description:
        'Create a campaign: whose outreach this is (the offer, the sender who signs) and what is written (a sequence of steps, each with ' +
        'one or two A/B variants per channel: your templates, or AI copy from the offer). Every template is linted before anything is ' +
        'saved: an unknown variable, a step over its word budget, bad spintax or Liquid is an error naming where, and nothing is saved. ' +
        'A new campaign is a draft: put leads in it (import_leads with campaign, or add_leads_to_campaign), check it with ' +
        'preview_campaign, then activate it with set_campaign_state — only leads of an active campaign are written to and sent.',
      inputSchema: input,
      outputSchema: output,
      annotations: { ...annotations, idempotentHint: false },
    },
    guarded('create_campaign', (a: z.infer<typeof input>) => save(ctx, 'create_campaign', a.campaign)),
  );
}

export function registerUpdateCampaign(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'update_campaign',
    {
      title: 'Update a campaign',
      description:
        'Replace a campaign\'s offer, sender and sequence with the one given (found by its name; pass the whole campaign, not a patch). ' +
        'Linted like create_campaign: a template error refuses the change and the old one stays. ' +
        'Its state and its leads stay as they are; a finished campaign cannot be changed.',
      inputSchema: input,
      outputSchema: output,
      annotations,
    },
    guarded('update_campaign', (a: z.infer<typeof input>) => save(ctx, 'update_campaign', a.campaign)),
  );
}
