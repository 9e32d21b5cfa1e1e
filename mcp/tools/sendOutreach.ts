/**
 * `send_outreach`: a dry run unless told otherwise, and a live send only in two calls.
 *
 *   dry_run true (default)           → queue messaged leads and record what would be sent; nothing leaves the machine.
 *   dry_run false, no confirm_token  → a preview: who, which variant and subject, who is left out, and a confirm_token.
 *   dry_run false + confirm_token    → sends exactly the previewed leads, through the ledger, once.
 *
 * Live sending also needs SMTP settings in the server's environment, and never mails synthetic leads.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { sendReady } from '../../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../../lib/sending/config';
import { previewLiveSend, confirmLiveSend, LIVE_CONFIRM_TTL_MS } from '../../lib/sending/confirm';
import { CHANNELS, VARIANTS } from '../../lib/types';
import type { ToolContext } from '../context';
import { guarded, toolError, toolResult } from '../result';
import { campaignName, channel, wholeNumber, toolInput } from '../shapes';
import { getCampaign } from '../../lib/campaigns/campaigns';
import { liveReadiness } from '../liveReadiness';

export const MAX_LIVE_PER_CONFIRM = 50;
const DEFAULT_LIVE_LIMIT = 10;

const input = toolInput({
    channel: channel.default('email').describe('email (default) or linkedin (LinkedIn is always simulated)'),
    dry_run: z.boolean({ error: 'dry_run must be true or false' }).default(true)
      .describe('true (default): record what would be sent, send nothing. false: preview a live send, then confirm it'),
    limit: wholeNumber('limit', 1, 1_000_000).optional()
      .describe(`at most this many leads (dry run: default all; live: default ${DEFAULT_LIVE_LIMIT}, at most ${MAX_LIVE_PER_CONFIRM})`),
    confirm_token: z.string().min(1, { error: 'confirm_token is empty: pass the token from the preview' }).max(200).optional()
      .describe('from a live preview: sends exactly what that preview showed; works once, expires after 10 minutes'),
    campaign: campaignName.optional()
      .describe('only this campaign\'s leads (its name, see list_campaigns; it must be active); default: the leads of every active campaign'),
  });

const tally = z
  .object({
    claimed: z.number(),
    sent: z.number().describe('live emails a server accepted: mail that left (always 0 in a dry run)'),
    simulated: z.number().describe('dry-run records: what would have gone; nothing left'),
    failed: z.number(),
    skipped: z.number(),
    requeued: z.number(),
  })
  .loose();

const output = z.object({
  dryRun: z.boolean(),
  step: z.enum(['dry_run', 'preview', 'sent']),
  channel: z.enum(CHANNELS),
  campaign: z.string().nullable().describe('the campaign sent for; null: every active campaign'),
  tally: tally.optional().describe('ledger outcome counts (dry run and live send)'),
  preview: z
    .object({
      from: z.string(),
      smtp: z.string(),
      count: z.number().describe('leads this confirmation would send to'),
      remaining: z.number().describe('eligible leads beyond limit, for a later send'),
      excluded: z.object({ synthetic: z.number(), suppressed: z.number() }).describe('left out: never mailed live'),
      allowedNow: z.number().describe('how many live sends the limits let start right now (this preview plans no more)'),
      limitedBy: z.string().nullable().describe('which limit held the preview below the requested limit, if any'),
      limits: z.string().describe('how the send is paced and capped'),
      leads: z.array(
        z.object({
          leadId: z.number(),
          email: z.string(),
          name: z.string(),
          company: z.string(),
          variant: z.enum(VARIANTS),
          subject: z.string().nullable(),
          alreadyQueued: z.boolean(),
        }),
      ),
    })
    .optional(),
  confirm_token: z.string().optional().describe('pass it back with the same channel, limit and campaign (and dry_run false) to send'),
  expires_at: z.string().optional(),
  outcomes: z
    .array(z.object({ leadId: z.number(), email: z.string(), state: z.string(), response: z.string().nullable(), error: z.string().nullable() }))
    .optional()
    .describe('per lead, how its live send ended'),
});

export function registerSendOutreach(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'send_outreach',
    {
      title: 'Send outreach',
      description:
        'Send the drafted messages of MESSAGED leads. Only leads of an ACTIVE campaign are sent (a draft campaign is activated with ' +
        'set_campaign_state; a paused one holds its leads); campaign restricts the send to one campaign. ' +
        'DRY RUN by default: records exactly what would be sent, mails nobody. ' +
        'Live email takes two calls: dry_run false returns a preview (recipients, variants, subjects) and a confirm_token; ' +
        'show the preview to the user, then call again with the same channel, limit and campaign plus confirm_token to send (a token sends for no other campaign). ' +
        'Live sending needs SMTP settings on the server and never mails synthetic (.example) leads.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    guarded('send_outreach', async (a: z.infer<typeof input>) => {
      const campaign = a.campaign === undefined ? undefined : await getCampaign(ctx.store, a.campaign);
      const inactive = campaign && campaign.state !== 'active'
        ? `. Campaign "${campaign.name}" is ${campaign.state}: only an active campaign's leads are sent (set_campaign_state)`
        : '';
      if (a.dry_run) {
        if (a.confirm_token) {
          return toolError('confirm_token only goes with dry_run: false — a dry run needs no confirmation, and a token is never spent by one');
        }
        const t = await sendReady(ctx.store, { channels: [a.channel], limit: a.limit, campaign: campaign?.name }, sendingConfigFromEnv(ctx.env, { live: false }));
        const summary =
          `dry run on ${a.channel}${campaign ? ` for campaign "${campaign.name}"` : ''}: ${t.claimed} lead(s), ${t.simulated} simulated (recorded)` +
          (t.skipped ? `, ${t.skipped} skipped` : '') + (t.failed ? `, ${t.failed} failed` : '') +
          ' — nothing was sent. For real email: dry_run false (returns a preview to confirm)' + inactive;
        const tally = { claimed: t.claimed, sent: t.sent, simulated: t.simulated, failed: t.failed, skipped: t.skipped, requeued: t.requeued };
        return toolResult(summary, { dryRun: true, step: 'dry_run' as const, channel: a.channel, campaign: campaign?.name ?? null, tally });
      }

      if (a.channel !== 'email') {
        return toolError('channel: live sending is email only — LinkedIn messages are simulated; use dry_run: true for linkedin');
      }
      const limit = a.limit ?? DEFAULT_LIVE_LIMIT;
      if (limit > MAX_LIVE_PER_CONFIRM) {
        return toolError(`limit: a live send takes at most ${MAX_LIVE_PER_CONFIRM} leads per confirmation, got ${limit}; send in several rounds`);
      }
      const live = liveReadiness(ctx.env);
      if (!live.ready) return toolError(live.reason);
      const config = live.config;
      // The campaign is part of what the token stands for: a preview's token sends for no other campaign.
      const request = { channel: a.channel, limit, campaign: campaign?.name };
      const scope = campaign?.name ?? null;

      if (!a.confirm_token) {
        const { plan, token, expiresAt, allowedNow, limitedBy, from } = await previewLiveSend(ctx.store, request, config);
        const preview = {
          from: from.map((s) => `${s.name} <${s.email}>`).join(', ') || `${config.sender.name} <${config.sender.email}>`,
          smtp: `${config.smtp.host}:${config.smtp.port}`,
          count: plan.items.length,
          remaining: plan.remaining,
          excluded: plan.excluded,
          allowedNow,
          limitedBy,
          limits:
            `rate ${config.limits.ratePerMinute}/min and ${config.limits.dailyCap}/day per mailbox (a campaign's own mailbox caps when lower), shared with every process on the store; ` +
            `at most ${MAX_LIVE_PER_CONFIRM} per confirmation; each lead, channel and step is sent at most once`,
          leads: plan.items.map(({ leadId, email, name, company, variant, subject, alreadyQueued }) => ({
            leadId, email, name, company, variant, subject, alreadyQueued,
          })),
        };
        const left = plan.excluded.synthetic + plan.excluded.suppressed;
        if (!token) {
          return toolResult(
            (allowedNow === 0 && limitedBy
              ? `nothing can go out right now: ${limitedBy}`
              : `nothing to send live: no messaged, non-synthetic, unsuppressed lead${campaign ? ` of campaign "${campaign.name}"` : ''} without a live send on email`) +
              (left ? ` (${plan.excluded.synthetic} synthetic and ${plan.excluded.suppressed} suppressed left out)` : '') + inactive,
            { dryRun: false, step: 'preview' as const, channel: a.channel, campaign: scope, preview },
          );
        }
        const minutes = Math.round(LIVE_CONFIRM_TTL_MS / 60_000);
        const summary =
          `PREVIEW — nothing sent yet. ${plan.items.length} email(s)${campaign ? ` of campaign "${campaign.name}"` : ''} would go out from ${preview.from}: ` +
          plan.items.slice(0, 5).map((i) => `${i.name} <${i.email}> (variant ${i.variant})`).join(', ') +
          (plan.items.length > 5 ? ', …' : '') +
          (left ? `; left out: ${plan.excluded.synthetic} synthetic, ${plan.excluded.suppressed} suppressed` : '') +
          (limitedBy ? `; held to ${allowedNow} now by the ${limitedBy}` : '') +
          `. To send, call send_outreach again with dry_run false, limit ${limit}${campaign ? `, campaign "${campaign.name}"` : ''} and confirm_token (valid ${minutes} min, once).`;
        return toolResult(summary, {
          dryRun: false,
          step: 'preview' as const,
          channel: a.channel,
          campaign: scope,
          preview,
          confirm_token: token,
          expires_at: expiresAt!,
        });
      }

      const r = await confirmLiveSend(ctx.store, a.confirm_token, request, config);
      const t = r.sent;
      const summary =
        `sent ${t.sent} of ${r.plan.items.length} email(s) live` +
        (t.failed ? `, ${t.failed} failed` : '') + (t.skipped ? `, ${t.skipped} skipped` : '') +
        (t.requeued ? `, ${t.requeued} will be retried` : '') +
        (t.unknown ? `, ${t.unknown} UNKNOWN (connection lost after the message was handed over: check before resending)` : '') +
        (t.limitedBy ? `; held back by the ${t.limitedBy}: the rest stays queued` : '');
      const tally = { claimed: t.claimed, sent: t.sent, simulated: t.simulated, failed: t.failed, skipped: t.skipped, requeued: t.requeued, unknown: t.unknown, limitedBy: t.limitedBy ?? null };
      return toolResult(summary, { dryRun: false, step: 'sent' as const, channel: a.channel, campaign: scope, tally, outcomes: r.outcomes });
    }),
  );
}
