/**
 * `add_leads_to_campaign`: move leads into a campaign by id. A lead no message has been sent to moves (drafted for
 * its old campaign, it is written afresh for this one); one already sent to stays where it is, and the result says so.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { addLeadsToCampaign } from '../../lib/campaigns/campaigns';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { campaignName, toolInput, wholeNumber } from '../shapes';

export const MAX_LEADS_PER_ADD = 50_000;

const input = toolInput({
  campaign: campaignName.describe('the campaign\'s name (see list_campaigns); not a finished one'),
  lead_ids: z
    .array(wholeNumber('a lead id', 1, Number.MAX_SAFE_INTEGER), { error: 'lead_ids must be an array of lead ids (see list_leads)' })
    .min(1, { error: 'lead_ids is empty: pass at least one lead id (see list_leads)' })
    .max(MAX_LEADS_PER_ADD, { error: `lead_ids holds more than ${MAX_LEADS_PER_ADD} ids: add them in parts` })
    .describe('the leads to put in the campaign (ids from list_leads or import_leads)'),
});

const ids = z.array(z.number());
const output = z.object({
  campaign: z.string(),
  added: ids.describe('now in the campaign; a lead drafted for its old campaign is back to ENRICHED, to be written for this one'),
  already: ids.describe('were in it already'),
  kept: z.array(z.object({ leadId: z.number(), campaign: z.string() })).describe('already sent to by another campaign: they stay in it'),
  unknown: ids.describe('no lead has this id'),
});

export function registerAddLeadsToCampaign(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'add_leads_to_campaign',
    {
      title: 'Add leads to a campaign',
      description:
        'Put existing leads in a campaign (a lead is in one campaign at a time). Leads not yet sent to move, and drafts written for ' +
        'their old campaign are dropped so generate_messages writes them for this one; leads already sent to stay in their campaign. ' +
        'To import new leads straight into a campaign use import_leads with campaign.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('add_leads_to_campaign', async (a: z.infer<typeof input>) => {
      const r = await addLeadsToCampaign(ctx.store, a.campaign, a.lead_ids);
      const summary =
        `${r.added.length} lead(s) added to "${r.campaign}"` +
        (r.already.length ? `, ${r.already.length} were in it already` : '') +
        (r.kept.length ? `, ${r.kept.length} kept by the campaign that already sent to them (${r.kept.slice(0, 3).map((k) => `#${k.leadId} in ${k.campaign}`).join(', ')}${r.kept.length > 3 ? ', …' : ''})` : '') +
        (r.unknown.length ? `, ${r.unknown.length} unknown id(s): ${r.unknown.slice(0, 5).join(', ')}${r.unknown.length > 5 ? ', …' : ''}` : '');
      return toolResult(summary, { ...r });
    }),
  );
}
