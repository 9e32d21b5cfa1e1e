/** `get_lead`: one lead with everything the store knows — enrichment, drafted messages, ledger rows, events. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { getLeadDetail } from '../../lib/leads/detail';
import type { ToolContext } from '../context';
import { guarded, toolError, toolResult } from '../result';
import { enrichmentOut, eventOut, leadOut, messageOut, sendOut, wholeNumber, toolInput } from '../shapes';

const input = toolInput({ id: wholeNumber('id', 1, Number.MAX_SAFE_INTEGER).describe('the lead id (see list_leads)') });

const output = z.object({
  lead: leadOut,
  attributes: z.record(z.string(), z.string()).describe("the imported columns no lead field read, by column name (custom attributes)"),
  enrichment: enrichmentOut.nullable(),
  messages: z.array(messageOut),
  sends: z.array(sendOut),
  events: z.array(eventOut),
});

export function registerGetLead(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_lead',
    {
      title: 'Get one lead',
      description:
        'One lead by id with its enrichment, drafted messages (both A/B variants; the lead is assigned one), send ledger rows and events. Read-only.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('get_lead', async (a: z.infer<typeof input>) => {
      const d = await getLeadDetail(ctx.store, a.id);
      if (!d) return toolError(`there is no lead with id ${a.id}: use list_leads to find lead ids`);
      const l = d.lead;
      const summary =
        `#${l.id} ${l.firstName} ${l.lastName}, ${l.title} at ${l.company} <${l.email}> — ${l.status}, variant ${l.variant}` +
        `; ${d.messages.length} message(s), ${d.sends.length} ledger row(s)`;
      return toolResult(summary, { ...d });
    }),
  );
}
