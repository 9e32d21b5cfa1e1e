/**
 * The leadflow MCP server: the whole pipeline as typed tools over one store. Every tool is a thin shell over one lib
 * call; the order below is the order an agent meets them in `tools/list`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './context';
import { registerGenerateLeads } from './tools/generateLeads';
import { registerImportLeads } from './tools/importLeads';
import { registerEnrichLeads } from './tools/enrichLeads';
import { registerGenerateMessages } from './tools/generateMessages';
import { registerSendOutreach } from './tools/sendOutreach';
import { registerRecordEvent } from './tools/recordEvent';
import { registerRunPipeline } from './tools/runPipeline';
import { registerStopPipeline } from './tools/stopPipeline';
import { registerGetStatus } from './tools/getStatus';
import { registerGetMetrics } from './tools/getMetrics';
import { registerListLeads } from './tools/listLeads';
import { registerGetLead } from './tools/getLead';
import { registerCreateCampaign, registerUpdateCampaign } from './tools/saveCampaign';
import { registerListCampaigns } from './tools/listCampaigns';
import { registerPreviewCampaign } from './tools/previewCampaign';
import { registerSimulateCampaign } from './tools/simulateCampaign';
import { registerSetCampaignState } from './tools/setCampaignState';
import { registerAddLeadsToCampaign } from './tools/addLeadsToCampaign';
import { registerResources } from './resources';

export const SERVER_NAME = 'leadflow';

const INSTRUCTIONS = `Leadflow finds, enriches, writes to and contacts B2B leads, all in one SQLite store.
Typical flow: generate_leads (synthetic, never mailed) or import_leads (real) → enrich_leads → generate_messages → send_outreach.
A campaign is whose outreach this is and what it says: an offer, a sender who signs, and a sequence of steps with A/B variants (templates, or AI copy from the offer). Leads belong to one campaign; without one they are in the built-in "demo". Your own: create_campaign (a draft) → import_leads with campaign (or add_leads_to_campaign) → enrich_leads → preview_campaign → set_campaign_state activate → generate_messages → send_outreach. Only an active campaign's leads are sent.
send_outreach is a dry run unless dry_run is false; a live send takes two calls: the first returns a preview and a confirm_token, the second (same arguments plus confirm_token) sends. Show the preview to the user before confirming.
run_pipeline does all stages as a dry run in the background; get_status follows it, stop_pipeline stops it.`;

/** The package version, read from package.json whether this runs from source (mcp/) or built (dist/mcp/). */
function version(): string {
  for (const up of [['..'], ['..', '..']]) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, ...up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'n8n-nodes-leadflow' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}

export function createLeadflowServer(ctx: ToolContext): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: version() }, { instructions: INSTRUCTIONS });
  registerGenerateLeads(server, ctx);
  registerCreateCampaign(server, ctx);
  registerUpdateCampaign(server, ctx);
  registerListCampaigns(server, ctx);
  registerImportLeads(server, ctx);
  registerAddLeadsToCampaign(server, ctx);
  registerEnrichLeads(server, ctx);
  registerPreviewCampaign(server, ctx);
  registerSimulateCampaign(server, ctx);
  registerSetCampaignState(server, ctx);
  registerGenerateMessages(server, ctx);
  registerSendOutreach(server, ctx);
  registerRecordEvent(server, ctx);
  registerRunPipeline(server, ctx);
  registerStopPipeline(server, ctx);
  registerGetStatus(server, ctx);
  registerGetMetrics(server, ctx);
  registerListLeads(server, ctx);
  registerGetLead(server, ctx);
  registerResources(server, ctx);
  return server;
}
