/** `list_leads`: a page of leads, filtered by status and a search text — how an agent finds ids for `get_lead`. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { listLeads } from '../../lib/store/leads';
import type { ToolContext } from '../context';
import { guarded, toolResult } from '../result';
import { leadOut, leadStatus, wholeNumber, toolInput } from '../shapes';

const input = toolInput({
    status: leadStatus.optional().describe('only leads in this status'),
    search: z.string().max(200, { error: 'search text is at most 200 characters' }).optional()
      .describe('case-insensitive text in the name, email, company or title'),
    page: wholeNumber('page', 1, 1_000_000).default(1).describe('1-based page number'),
    page_size: wholeNumber('page_size', 1, 100).default(20).describe('leads per page (1–100)'),
  });

const output = z.object({
  total: z.number().describe('leads matching the filter, over all pages'),
  page: z.number(),
  pageSize: z.number(),
  pages: z.number(),
  leads: z.array(leadOut),
});

export function registerListLeads(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'list_leads',
    {
      title: 'List leads',
      description: 'List leads page by page, optionally only one status or those matching a search text. Read-only.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('list_leads', (a: z.infer<typeof input>) => {
      const { total, leads } = listLeads(ctx.store, {
        status: a.status,
        search: a.search,
        limit: a.page_size,
        offset: (a.page - 1) * a.page_size,
      });
      const pages = Math.ceil(total / a.page_size);
      const from = leads.length ? (a.page - 1) * a.page_size + 1 : 0;
      const summary = leads.length
        ? `leads ${from}–${from + leads.length - 1} of ${total}` + (a.page < pages ? ` (page ${a.page} of ${pages})` : '')
        : total
          ? `page ${a.page} is past the end: ${total} lead(s) fill ${pages} page(s)`
          : 'no leads match';
      return toolResult(summary, { total, page: a.page, pageSize: a.page_size, pages, leads });
    }),
  );
}
