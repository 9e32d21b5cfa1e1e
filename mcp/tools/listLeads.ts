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
      .describe("words the lead's name, email, company or title start with: every word must match (\"jane acme\"); case and accents are ignored; an email address can be given whole"),
    page: wholeNumber('page', 1, 1_000_000).optional().describe('1-based page number (default 1); not with after_id'),
    page_size: wholeNumber('page_size', 1, 100).default(20).describe('leads per page (1–100)'),
    after_id: wholeNumber('after_id', 0, Number.MAX_SAFE_INTEGER).optional()
      .describe('the page after this lead id: pass the nextAfterId of the page before (as fast at any depth, where a deep page number is slow)'),
  })
  .refine((a) => a.page === undefined || a.after_id === undefined, {
    error: 'pass page or after_id, not both: after_id already says where the page starts',
    path: ['after_id'],
  });

const output = z.object({
  total: z.number().describe('leads matching the filter, over all pages; see totalIsLowerBound'),
  totalIsLowerBound: z.boolean().describe('true when a search matched more leads than it counts (10,000): total is then "at least"'),
  page: z.number().nullable().describe('the page number; null for a page read with after_id'),
  pageSize: z.number(),
  pages: z.number(),
  nextAfterId: z.number().nullable().describe('pass as after_id for the next page; null on the last page'),
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
      const page = a.after_id === undefined ? (a.page ?? 1) : null;
      const found = listLeads(ctx.store, {
        status: a.status,
        search: a.search,
        limit: a.page_size,
        offset: page === null ? 0 : (page - 1) * a.page_size,
        afterId: a.after_id,
      });
      const { total, totalIsLowerBound, leads } = found;
      const pages = Math.ceil(total / a.page_size);
      const nextAfterId = found.hasMore && leads.length ? leads[leads.length - 1].id : null;
      const of = `${total}${totalIsLowerBound ? '+' : ''}`;
      const from = page === null ? null : (page - 1) * a.page_size + 1;
      const summary = leads.length
        ? (from === null ? `${leads.length} lead(s) after #${a.after_id} of ${of}` : `leads ${from}–${from + leads.length - 1} of ${of}`) +
          (page !== null && page < pages ? ` (page ${page} of ${pages}${totalIsLowerBound ? '+' : ''})` : '') +
          (nextAfterId !== null ? `; next page: after_id ${nextAfterId}` : '')
        : total
          ? page === null
            ? `no leads after #${a.after_id}: that was the last page`
            : `page ${page} is past the end: ${of} lead(s) fill ${pages} page(s)`
          : 'no leads match';
      return toolResult(summary, { total, totalIsLowerBound, page, pageSize: a.page_size, pages, nextAfterId, leads });
    }),
  );
}
