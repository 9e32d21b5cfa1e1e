/**
 * Enrich Leads: company size, persona, seniority, pains and buying triggers for each lead, by lib's offline rules or
 * by a Groq model (AI mode, falling back to the rules per lead with the reason); the lead moves NEW → ENRICHED in
 * the store. One output item per lead, paired with the item that named it. Offline, the leads go to lib in batches,
 * one transaction each, as the pipeline's enrich stage works; in AI mode each lead is committed when its model
 * answer is in, as the pipeline's AI stage does.
 */
import {
  NodeConnectionTypes,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { createEnrichSession, type GroqClient } from '../../lib';
import type { Db } from '../../lib/store/db';
import { leadOn } from '../../lib/store/leads';
import { enrichChosen, type EnrichLeadResult } from '../../lib/enrich/enrichChosen';
import { enrichLeadWithAi } from '../../lib/enrich/aiEnrichLead';
import { groqClientForNode, listGroqModels } from '../shared/groqMode';
import { isAiMode, methodProperties, methodSubtitle } from '../shared/methodProperties';
import { modelCallGuard } from '../shared/modelCallGuard';
import { storePathProperty } from '../shared/storeParameter';
import { withNodeDb } from '../shared/openNodeStore';
import { leadflowStoreConnectionTest } from '../shared/storeCredential';
import { chooseTargets, missingLead, SOURCE_SUBTITLE, sourceProperties, type LeadTarget } from '../shared/leadSource';
import { leadJson } from '../shared/leadJson';
import { perBatch, type UnitFail, type UnitResult } from '../shared/perBatch';
import { perItem } from '../shared/perItem';

const PRODUCER = 'Generate Leads';

export class EnrichLeads implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Enrich Leads',
    name: 'enrichLeads',
    icon: { light: 'file:enrichLeads.svg', dark: 'file:enrichLeads.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: `={{${methodSubtitle('Offline rules')} + ${SOURCE_SUBTITLE}}}`,
    description: 'Add company size, persona, seniority, pain points and buying triggers to leads',
    defaults: { name: 'Enrich Leads' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [
      // The name the issue fixes (`leadflowGroqApi`, after the package), shared by both AI-mode nodes; written out here
      // for the community lint, which reads the credentials of a node's description as literals.
      { name: 'leadflowGroqApi', required: true, displayOptions: { show: { method: ['ai'] } } },
      // Optional: without it the node uses its Store File (SQLite); with it, the PostgreSQL store every worker shares.
      // A database login, like n8n's own `postgres` credential: not an API.
      // eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
      { name: 'leadflowStore', required: false, testedBy: 'leadflowStoreConnectionTest' },
    ],
    properties: [
      ...methodProperties(
        { name: 'Offline Rules', value: 'offline', description: 'Deterministic rules over title, company and industry; no network' },
        'A Groq model profiles each company; a lead it cannot serve gets the offline rules, with the reason',
      ),
      ...sourceProperties('NEW', 'enrich'),
      storePathProperty,
    ],
  };

  methods = { loadOptions: { listGroqModels }, credentialTest: { leadflowStoreConnectionTest } };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const ai = isAiMode(this.getNodeParameter('method', 0, 'offline'));
    return [
      await withNodeDb(this, async (db) => {
        const targets = await chooseTargets(this, db);
        if (!ai) {
          return perBatch(this, targets, {
            refuse: (target) => missingLead(target, PRODUCER),
            work: async (batch, fail) => (await enrichChosen(db, batch.map((t) => t.leadId!))).map((r) => enrichedItem(r, fail)),
          });
        }
        const client = await groqClientForNode(this, db);
        const session = createEnrichSession();
        const guard = modelCallGuard(this.getNode());
        return perItem(this, targets, async (target: LeadTarget, fail): Promise<IDataObject> => {
          const missing = missingLead(target, PRODUCER);
          if (missing) throw fail(missing);
          const leadId = target.leadId!;
          return guard(db, leadId, fail, () => enrichOneWithAi(db, client, leadId, session, fail));
        });
      }),
    ];
  }
}

function enrichedItem(r: EnrichLeadResult, fail: UnitFail): UnitResult {
  if ('reason' in r) return r.lead ? leadJson(r.lead, { outcome: 'skipped', reason: r.reason }) : fail(r.reason);
  return leadJson(r.lead, { outcome: r.outcome }, { enrichment: r.enrichment as unknown as IDataObject });
}

async function enrichOneWithAi(
  db: Db,
  client: GroqClient,
  leadId: number,
  session: ReturnType<typeof createEnrichSession>,
  fail: (message: string) => Error,
): Promise<IDataObject> {
  const r = await enrichLeadWithAi(db, client, leadId, session);
  if ('reason' in r) {
    const lead = r.lead ?? (await leadOn(db, leadId));
    if (!lead) throw fail(r.reason);
    return leadJson(lead, { outcome: 'skipped', reason: r.reason });
  }
  const enrichment = { enrichment: r.enrichment as unknown as IDataObject };
  if (r.outcome === 'already_enriched') return leadJson(r.lead, { outcome: 'already_enriched' }, enrichment);
  return leadJson(r.lead, { outcome: 'enriched', via: r.via, ...(r.fallbackReason ? { reason: r.fallbackReason } : {}) }, enrichment);
}
