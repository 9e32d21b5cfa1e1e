/**
 * Resources for clients that browse rather than call: one lead as JSON (`leadflow://leads/{id}`, the same document
 * as `get_lead`) and the metrics snapshot (`leadflow://metrics`, the same as `get_metrics`).
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { getLeadDetail } from '../lib/leads/detail';
import { listLeads } from '../lib/store/leads';
import { getMetrics } from '../lib/metrics/metrics';
import type { ToolContext } from './context';

const LISTED_LEADS = 50;

export function registerResources(server: McpServer, ctx: ToolContext): void {
  server.registerResource(
    'metrics',
    'leadflow://metrics',
    { title: 'Funnel metrics', description: 'The funnel, messages, ledger and health snapshot', mimeType: 'application/json' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await getMetrics(ctx.store)) }] }),
  );

  server.registerResource(
    'lead',
    new ResourceTemplate('leadflow://leads/{id}', {
      // The newest leads, so a client's resource picker has something to show; list_leads pages through the rest.
      list: () => ({
        resources: listLeads(ctx.store, { limit: LISTED_LEADS, offset: Math.max(0, listLeads(ctx.store, { limit: 0 }).total - LISTED_LEADS) })
          .leads.reverse()
          .map((l) => ({ uri: `leadflow://leads/${l.id}`, name: `${l.firstName} ${l.lastName} (${l.company})`, mimeType: 'application/json' })),
      }),
    }),
    { title: 'Lead', description: 'One lead with its enrichment, messages, sends and events', mimeType: 'application/json' },
    async (uri, vars) => {
      // Plain decimal only: Number() would read 0x1, 1e0 or " 1" as lead 1.
      const raw = String(vars.id);
      const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : NaN;
      const detail = Number.isSafeInteger(id) ? await getLeadDetail(ctx.store, id) : undefined;
      if (!detail) throw new Error(`there is no lead ${String(vars.id)}: lead URIs look like leadflow://leads/42 (ids from list_leads)`);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(detail) }] };
    },
  );
}
