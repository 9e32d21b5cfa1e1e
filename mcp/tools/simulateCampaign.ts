/**
 * `simulate_campaign`: a campaign's next days of sending, simulated before the first send by the very code that
 * sends — on a copy of the store, with a simulated clock and a transport that sends nothing — so an agent can show
 * the user who gets which step when (on their own clock), from which mailbox, and what the limits hold back. Writes
 * nothing.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { simulateSchedule } from '../../lib/campaigns/schedule';
import { sendingConfigFromEnv } from '../../lib/sending/config';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { campaignName, toolInput, wholeNumber } from '../shapes';

const input = toolInput({
  campaign: campaignName.describe('the campaign\'s name (see list_campaigns)'),
  days: wholeNumber('days', 1, 60).default(7).describe('how many days to simulate (1–60, default 7)'),
});

const output = z.object({
  campaign: z.string(),
  from: z.string().describe('when the simulation starts (now)'),
  days: z.array(
    z.object({
      date: z.string().describe('the day, by UTC date'),
      sends: z.array(
        z.object({
          leadId: z.number(),
          email: z.string(),
          step: z.number(),
          at: z.string().describe('when it goes (UTC)'),
          local: z.string().describe('the same moment on the recipient\'s clock'),
          from: z.string().describe('the mailbox it leaves from'),
        }),
      ),
      heldBy: z.record(z.string(), z.number()).describe('what held sends back that day (a cap, a window, the rate), with how many ticks'),
    }),
  ),
  stillQueued: z.number().describe('sends still waiting when the simulation ends'),
});

export function registerSimulateCampaign(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'simulate_campaign',
    {
      title: 'Simulate a campaign\'s sending',
      description:
        'Simulate the next days of a campaign\'s sending before anything is sent: the real sending code runs on a copy of the store with a ' +
        'simulated clock and your limits (rate, daily cap, the campaign\'s window in each recipient\'s hours), and a transport that sends ' +
        'nothing. Returns, day by day, who gets which step at what time on their own clock and from which mailbox, and what held the rest ' +
        'back. Synthetic (.example) leads are never mailed live, so they never appear. Writes nothing.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('simulate_campaign', async (a: z.infer<typeof input>) => {
      const s = await simulateSchedule(ctx.store, a.campaign, sendingConfigFromEnv(ctx.env, {}), { days: a.days });
      const total = s.days.reduce((n, d) => n + d.sends.length, 0);
      const summary =
        `campaign "${s.campaign}", ${a.days} simulated day(s): ${total} send(s) — ` +
        (s.days.map((d) => `${d.date}: ${d.sends.length}`).join(', ') || 'nothing would go') +
        `; ${s.stillQueued} still queued at the end. Nothing was sent.`;
      return toolResult(summary, { ...s });
    }),
  );
}
