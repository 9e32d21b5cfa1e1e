/**
 * Enrich Leads: company size, persona, seniority, pains and buying triggers for each lead, by lib's offline rules or
 * by a Groq model (AI mode, falling back to the rules per lead with the reason); the lead moves NEW → ENRICHED in
 * the store. One output item per lead, paired with the item that named it.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { createEnrichSession, getLead, type GroqClient, type Store } from '../../lib';
import { enrichLead } from '../../lib/enrich/enrichLead';
import { enrichLeadWithAi } from '../../lib/enrich/aiEnrichLead';
import { groqClientForNode, listGroqModels, modelProperty } from '../shared/groqMode';
import { modelCallGuard } from '../shared/modelCallGuard';
import { storePathProperty } from '../shared/storeParameter';
import { withNodeStore } from '../shared/openNodeStore';
import { chooseTargets, sourceProperties } from '../shared/leadSource';
import { leadJson } from '../shared/leadJson';
import { perItem } from '../shared/perItem';

export class EnrichLeads implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Enrich Leads',
    name: 'enrichLeads',
    icon: 'file:enrichLeads.svg',
    group: ['transform'],
    version: 1,
    subtitle: '={{($parameter["method"] === "ai" ? "AI · " + $parameter["model"] : "Offline rules") + " · from " + $parameter["source"]}}',
    description: 'Add company size, persona, seniority, pain points and buying triggers to leads',
    defaults: { name: 'Enrich Leads' },
    inputs: ['main'],
    outputs: ['main'],
    usableAsTool: true,
    credentials: [
      // The name the issue fixes (`leadflowGroqApi`, after the package), shared by both AI-mode nodes.
      { name: 'leadflowGroqApi', required: true, displayOptions: { show: { method: ['ai'] } } },
    ],
    properties: [
      {
        displayName: 'Method',
        name: 'method',
        type: 'options',
        noDataExpression: true,
        default: 'offline',
        options: [
          { name: 'Offline Rules', value: 'offline', description: 'Deterministic rules over title, company and industry; no network' },
          { name: 'AI (Groq)', value: 'ai', description: 'A Groq model profiles each company; a lead it cannot serve gets the offline rules, with the reason' },
        ],
      },
      modelProperty('ai'),
      ...sourceProperties('NEW', 'enrich'),
      storePathProperty,
    ],
  };

  methods = { loadOptions: { listGroqModels } };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const ai = this.getNodeParameter('method', 0, 'offline') === 'ai';
    return [
      await withNodeStore(this, async (store) => {
        const client = ai ? await groqClientForNode(this, store) : undefined;
        const session = createEnrichSession();
        const guard = modelCallGuard();
        return perItem(this, chooseTargets(this, store), async (target, fail): Promise<IDataObject> => {
          if (target.leadId === null) {
            throw fail(
              target.named
                ? `no lead with ${target.named} in the store: run Generate Leads on it first`
                : 'this item names no lead: give it a leadId, id or email field (as Generate Leads outputs)',
            );
          }
          const leadId = target.leadId;
          if (client) return guard(store, leadId, fail, () => enrichOneWithAi(store, client, leadId, session, fail));
          const r = enrichLead(store, leadId);
          if (!('enrichment' in r)) {
            if (!r.lead) throw fail(r.reason);
            return leadJson(r.lead, { outcome: 'skipped', reason: r.reason });
          }
          return leadJson(r.lead, { outcome: r.outcome }, { enrichment: r.enrichment as unknown as IDataObject });
        });
      }),
    ];
  }
}

async function enrichOneWithAi(
  store: Store,
  client: GroqClient,
  leadId: number,
  session: ReturnType<typeof createEnrichSession>,
  fail: (message: string) => Error,
): Promise<IDataObject> {
  const r = await enrichLeadWithAi(store, client, leadId, session);
  if ('reason' in r) {
    const lead = r.lead ?? getLead(store, leadId);
    if (!lead) throw fail(r.reason);
    return leadJson(lead, { outcome: 'skipped', reason: r.reason });
  }
  const enrichment = { enrichment: r.enrichment as unknown as IDataObject };
  if (r.outcome === 'already_enriched') return leadJson(r.lead, { outcome: 'already_enriched' }, enrichment);
  return leadJson(r.lead, { outcome: 'enriched', via: r.via, ...(r.fallbackReason ? { reason: r.fallbackReason } : {}) }, enrichment);
}
