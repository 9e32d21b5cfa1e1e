/**
 * `generate_messages`: ENRICHED → MESSAGED. Both A/B variants are drafted per channel and each must pass the copy
 * contract before it is stored; a lead whose assigned variant fails it is FAILED with the reason, never sendable.
 * A few of the new drafts come back so an agent can show them.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { personalizeEnriched } from '../../lib/personalize/stage';
import { countLeadsByStatus } from '../../lib/store/leads';
import { assignedDraftsAfter, lastMessageId } from '../../lib/store/messages';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { campaignName, channels, mode, wholeNumber, toolInput } from '../shapes';
import { campaignSummary, getCampaign } from '../../lib/campaigns/campaigns';
import { groqClientFromEnv } from '../aiMode';
import { personalizeEnrichedWithAi } from '../../lib/personalize/aiStage';
import { CHANNELS, VARIANTS } from '../../lib/types';

const SAMPLE_DRAFTS = 3;

const input = toolInput({
    mode: mode.default('offline').describe('offline: templates, no network (default); ai: Groq, needs GROQ_API_KEY'),
    channels: channels.default(['email', 'linkedin']).describe('channels to write for'),
    limit: wholeNumber('limit', 1, 1_000_000).optional().describe('personalize at most this many ENRICHED leads (default: all)'),
    campaign: campaignName.optional()
      .describe('only this campaign\'s ENRICHED leads (its name, see list_campaigns); default: every ENRICHED lead, each written for its own campaign'),
  });

const output = z.object({
  mode: z.enum(['offline', 'ai']),
  channels: z.array(z.enum(CHANNELS)),
  messaged: z.number().describe('leads moved ENRICHED → MESSAGED'),
  messages: z.number().describe('drafts stored (both variants, every channel)'),
  rejected: z.number().describe('drafts that broke the copy contract and were not stored'),
  failedLeads: z.number().describe('leads with no sendable draft: FAILED, with the violations as status reason'),
  remainingEnriched: z.number().describe('ENRICHED leads left (of the campaign, when one was named)'),
  campaign: z.string().nullable().describe('the campaign written for; null: every campaign'),
  ai: z
    .object({ byModel: z.number(), fellBack: z.number(), deferred: z.number() })
    .optional()
    .describe('ai mode: messages written by the model, by the template after the model failed, leads left for later'),
  drafts: z
    .array(
      z.object({
        leadId: z.number(),
        email: z.string(),
        channel: z.enum(CHANNELS),
        variant: z.enum(VARIANTS),
        subject: z.string().nullable(),
        body: z.string(),
      }),
    )
    .describe(`up to ${SAMPLE_DRAFTS} new drafts in each lead's assigned variant; get_lead shows all of a lead's drafts`),
});

export function registerGenerateMessages(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'generate_messages',
    {
      title: 'Write messages',
      description:
        'Write personalized first-touch messages for ENRICHED leads (email and/or LinkedIn, A/B variants). Each lead is written for its campaign: a campaign of yours by its templates or, for an AI variant, by the model from its offer and sender; the built-in demo by the built-in templates. Leads of a paused or finished campaign are held, not written. Every draft is checked against the copy contract (word budget, one call to action, opt-out line, no leftover placeholders). Leads move to MESSAGED; next: send_outreach (dry run by default; only an active campaign\'s leads are sent).',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    guarded('generate_messages', async (a: z.infer<typeof input>) => {
      // Named, the campaign must exist (AI mode alone would quietly write nothing for a misspelt one).
      const campaign = a.campaign === undefined ? undefined : await getCampaign(ctx.store, a.campaign);
      const scope = { channels: a.channels, campaign: campaign?.name };
      const before = lastMessageId(ctx.store);
      let ai: { byModel: number; fellBack: number; deferred: number } | undefined;
      let tally;
      if (a.mode === 'ai') {
        const t = await personalizeEnrichedWithAi(ctx.store, groqClientFromEnv(ctx.store, ctx.env), scope, { limit: a.limit });
        ai = { byModel: t.byModel, fellBack: t.fellBack, deferred: t.deferred };
        tally = t;
      } else {
        tally = personalizeEnriched(ctx.store, scope, { limit: a.limit });
      }
      const drafts = assignedDraftsAfter(ctx.store, before, SAMPLE_DRAFTS);
      const remainingEnriched =
        (campaign ? (await campaignSummary(ctx.store, campaign.id)).byStatus : countLeadsByStatus(ctx.store)).ENRICHED ?? 0;
      const held = campaign && (campaign.state === 'paused' || campaign.state === 'finished');
      const summary =
        (campaign ? `campaign "${campaign.name}": ` : '') +
        `${tally.messaged} lead(s) messaged, ${tally.messages} draft(s) stored` +
        (tally.failedLeads ? `, ${tally.failedLeads} lead(s) FAILED the copy contract` : '') +
        (remainingEnriched ? `; ${remainingEnriched} ENRICHED lead(s) left` : '') +
        (held
          ? campaign.state === 'paused'
            ? ' (the campaign is paused: its leads are held; resume it with set_campaign_state to write to them)'
            : ' (the campaign is finished: its leads are not written to again)'
          : '') +
        (ai ? ` (AI: ${ai.byModel} by the model, ${ai.fellBack} by template after a model failure${ai.deferred ? `, ${ai.deferred} lead(s) deferred` : ''})` : '') +
        (tally.messaged
          ? '; next: send_outreach (dry run by default)' + (campaign && campaign.state !== 'active' ? ` once the campaign is active (it is ${campaign.state}: set_campaign_state)` : '')
          : '');
      return toolResult(summary, {
        mode: a.mode,
        channels: a.channels,
        messaged: tally.messaged,
        messages: tally.messages,
        rejected: tally.rejected,
        failedLeads: tally.failedLeads,
        remainingEnriched,
        campaign: campaign?.name ?? null,
        ...(ai ? { ai } : {}),
        drafts,
      });
    }),
  );
}
