/**
 * `record_event`: tell the store what happened after a send — a reply, a bounce, an unsubscribe — by lead id, by
 * address, or by handing over the raw message (matched to its lead by In-Reply-To/References, then by address).
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { REPLY_INTENTS } from '../../lib/inbound/replyIntent';
import { recordEvent } from '../../lib/inbound/events';
import { getLead } from '../../lib/store/leads';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { leadStatus, wholeNumber, toolInput } from '../shapes';

const input = toolInput({
    type: z.enum(['reply', 'bounce', 'unsubscribe'], { error: 'must be one of: reply, bounce, unsubscribe' }),
    lead_id: wholeNumber('lead_id', 1, Number.MAX_SAFE_INTEGER).optional().describe('the lead, by id'),
    email: z.email({ error: 'email must be an email address' }).optional().describe('the lead, by address'),
    raw: z.string().min(1).max(5_000_000, { error: 'raw is over 5 MB' }).optional()
      .describe('the reply or bounce as received (RFC 822 source); a bounce DSN decides hard vs soft'),
    detail: z.record(z.string(), z.unknown()).optional().describe('anything worth keeping with the event, e.g. {"kind": "soft"} for a soft bounce'),
  })
  .refine((a) => a.lead_id !== undefined || a.email !== undefined || a.raw !== undefined, {
    error: 'say which lead: pass lead_id, email, or the raw message',
    path: ['lead_id'],
  });

const output = z.object({
  leadId: z.number(),
  type: z.enum(['reply', 'bounce', 'unsubscribe', 'auto_reply']).describe('auto_reply: an out-of-office answer to a reply; the sequence goes on'),
  effect: z.string().describe('what the event changed'),
  intent: z
    .enum(REPLY_INTENTS)
    .optional()
    .describe('a reply\'s meaning: interested, not_interested, unsubscribe (an opt-out in words: the address is suppressed), wrong_person, neutral'),
  referral: z.string().nullable().optional().describe('wrong_person: the address the reply points to instead, if it gives one'),
  bounce: z.object({ kind: z.enum(['hard', 'soft']), status: z.string().nullable(), recipient: z.string().nullable() }).optional(),
  lead: z.object({ id: z.number(), email: z.string(), status: leadStatus }),
});

export function registerRecordEvent(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'record_event',
    {
      title: 'Record a reply, bounce or unsubscribe',
      description:
        'Record what happened after a send. reply: its intent is read (interested, not interested, wrong person, or an opt-out in words such as "remove me", which suppresses the address at once); the lead becomes REPLIED and its later queued sends are cancelled; put the reply text in detail.text when there is no raw message. bounce: a hard bounce suppresses the address and marks the lead BOUNCED (a soft one is only recorded). unsubscribe: the address is suppressed for good and queued sends are cancelled.',
      inputSchema: input,
      outputSchema: output,
      // destructive: suppression and cancelled sends are not undone by another call.
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    guarded('record_event', async (a: z.infer<typeof input>) => {
      const r = await recordEvent(ctx.store, { type: a.type, leadId: a.lead_id, email: a.email, raw: a.raw, detail: a.detail });
      const lead = getLead(ctx.store, r.leadId)!;
      return toolResult(`${r.type} recorded for lead #${lead.id} <${lead.email}>: ${r.effect}`, {
        ...r,
        lead: { id: lead.id, email: lead.email, status: lead.status },
      });
    }),
  );
}
