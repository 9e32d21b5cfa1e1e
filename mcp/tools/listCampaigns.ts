/** `list_campaigns`: every campaign with its state and its leads by status — how an agent finds a campaign's name. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { listCampaigns } from '../../lib/campaigns/campaigns';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { campaignOut, toolInput } from '../shapes';

const input = toolInput({});

const output = z.object({ campaigns: z.array(campaignOut) });

export function registerListCampaigns(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'list_campaigns',
    {
      title: 'List campaigns',
      description:
        'Every campaign (offer, sender, steps) with its state — draft, active, paused or finished — and its leads by status. ' +
        '"demo" is built in: synthetic leads and leads imported without a campaign are in it. Read-only.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('list_campaigns', async () => {
      const campaigns = await listCampaigns(ctx.store);
      const summary = campaigns.map((c) => `${c.name} (${c.state}, ${c.leads} lead(s), ${c.product})`).join('; ');
      return toolResult(summary, { campaigns });
    }),
  );
}
