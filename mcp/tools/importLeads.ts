/**
 * `import_leads`: real leads from CSV text or plain objects. Every bad row comes back with its row number and
 * reason; the good rows go in together; CSV that cannot be parsed imports nothing.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { importCsvText, importRows } from '../../lib/leads/importLeads';
import { MAPPABLE_FIELDS } from '../../lib/leads/columns';
import { DEMO_CAMPAIGN_NAME } from '../../lib/campaigns/demo';
import type { ToolContext } from '../context';
import { campaignName, toolInput } from '../shapes';
import { guarded, toolResult } from '../result';

export const MAX_IMPORT_ROWS = 50_000;

const input = toolInput({
    csv: z.string().min(1, { error: 'csv is empty: pass CSV text with a header row' }).max(20_000_000, { error: 'csv is over 20 MB: import it in parts, or use `leadflow import <file>`' }).optional()
      .describe('CSV text with a header row (email, first_name, last_name, title, company, website, …)'),
    rows: z.array(z.record(z.string(), z.unknown()), { error: 'rows must be an array of objects, one per lead' })
      .min(1, { error: 'rows is empty: pass at least one object' })
      .max(MAX_IMPORT_ROWS, { error: `rows holds more than ${MAX_IMPORT_ROWS} objects: import in parts` }).optional()
      .describe('leads as objects, e.g. {"email": "…", "firstName": "…", "company": "…"}; field names are matched like CSV headers'),
    source: z.string().min(1).max(200).optional().describe('recorded on each lead; default "mcp"'),
    campaign: campaignName.optional()
      .describe('the campaign the new leads join (its name, see list_campaigns; not a finished one); default: the built-in demo campaign'),
  })
  .refine((a) => (a.csv === undefined) !== (a.rows === undefined), {
    error: 'pass exactly one of csv (CSV text) or rows (an array of objects)',
    path: ['csv'],
  });

const output = z.object({
  rows: z.number(),
  inserted: z.number(),
  ids: z.array(z.number()).describe('ids of the new leads, in row order'),
  rejected: z.array(z.object({ rowNumber: z.number(), reason: z.string() })).describe('rows that did not go in, and why'),
  fields: z.array(z.object({ field: z.enum(MAPPABLE_FIELDS), column: z.string() })).describe('which column fed which lead field'),
  attributes: z.array(z.string()).describe('columns no field reads, kept with each lead as custom attributes'),
  warnings: z.array(z.string()).describe('what may need a look, e.g. a title-like column that fed nothing'),
  campaign: z.string().describe('the campaign the new leads joined'),
  format: z
    .object({ encoding: z.string().optional(), delimiter: z.enum(['comma', 'semicolon', 'tab']), headerLine: z.number() })
    .optional()
    .describe('how the CSV was read: its delimiter and the line its header row is on'),
});

export function registerImportLeads(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'import_leads',
    {
      title: 'Import leads',
      description:
        'Import real leads from CSV text (comma, semicolon or tab; a preamble above the header is skipped) or from objects. Only the email is required; rows are validated and deduplicated against the store; rejected rows are listed with their reason and the rest go in as NEW. Columns no lead field reads are kept with each lead as custom attributes; the result says which column fed which field. Importing the same rows again adds nothing. ' +
        'New leads join the campaign named by campaign (create it first with create_campaign), otherwise the built-in demo campaign; leads already in the store stay where they are (add_leads_to_campaign moves them).',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('import_leads', async (a: z.infer<typeof input>) => {
      const source = a.source ?? 'mcp';
      const options = { source, campaign: a.campaign };
      const report = a.csv !== undefined ? await importCsvText(ctx.store, a.csv, options) : await importRows(ctx.store, a.rows!, options);
      const campaign = a.campaign ?? DEMO_CAMPAIGN_NAME;
      const summary =
        `${report.inserted} of ${report.rows} row(s) imported into campaign "${campaign}"` +
        (report.rejected.length
          ? `; ${report.rejected.length} rejected (${report.rejected.slice(0, 3).map((r) => `row ${r.rowNumber}: ${r.reason}`).join('; ')}${report.rejected.length > 3 ? '; …' : ''})`
          : '') +
        `; fields: ${report.fields.map((f) => `${f.field} ← "${f.column}"`).join(', ') || 'none'}` +
        `; kept as attributes: ${report.attributes.map((c) => `"${c}"`).join(', ') || 'none'}` +
        report.warnings.map((w) => `; warning: ${w}`).join('');
      return toolResult(summary, { ...report, campaign });
    }),
  );
}
