/**
 * `set_campaign_state`: activate, pause, resume or finish a campaign. The lib decides which moves a state allows
 * (draft → active/finished, active → paused/finished, paused → active/finished) and refuses the others, saying why.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { campaignSummary, getCampaign, setCampaignState } from '../../lib/campaigns/campaigns';
import type { CampaignState } from '../../lib/campaigns/spec';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { campaignName, campaignOut, campaignState, toolInput } from '../shapes';

const ACTIONS = { activate: 'active', pause: 'paused', resume: 'active', finish: 'finished' } as const satisfies Record<string, CampaignState>;
type Action = keyof typeof ACTIONS;

const WHAT_IT_MEANS: Record<CampaignState, string> = {
  draft: 'its leads are not sent',
  active: 'its MESSAGED leads are sent by send_outreach',
  paused: 'its leads are held: not written to, not sent, until resumed',
  finished: 'for good: its leads are not written to or sent again, and no lead can join it',
};

const input = toolInput({
  campaign: campaignName.describe('the campaign\'s name (see list_campaigns)'),
  action: z
    .enum(Object.keys(ACTIONS) as [Action, ...Action[]], { error: 'action must be one of: activate, pause, resume, finish' })
    .describe('activate (a draft), pause (an active one), resume (a paused one), finish (any but a finished one: final)'),
});

const output = z.object({
  campaign: campaignOut,
  previous: campaignState.describe('its state before this call'),
});

export function registerSetCampaignState(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'set_campaign_state',
    {
      title: 'Activate, pause, resume or finish a campaign',
      description:
        'Change a campaign\'s state. Only an active campaign\'s leads are sent: activate a draft once its preview reads right. ' +
        'pause holds its leads (nothing written to or sent), resume lets them go again, finish ends it for good. ' +
        'A move the state does not allow is refused, naming the moves it does.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('set_campaign_state', async (a: z.infer<typeof input>) => {
      const previous = (await getCampaign(ctx.store, a.campaign)).state;
      const changed = await setCampaignState(ctx.store, a.campaign, ACTIONS[a.action]);
      const campaign = await campaignSummary(ctx.store, changed.id);
      const summary =
        (previous === campaign.state ? `campaign "${campaign.name}" was ${campaign.state} already` : `campaign "${campaign.name}" is now ${campaign.state} (was ${previous})`) +
        `: ${WHAT_IT_MEANS[campaign.state]}`;
      return toolResult(summary, { campaign, previous });
    }),
  );
}
