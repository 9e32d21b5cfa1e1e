/**
 * Enrich Leads: company size, persona, seniority, pains and buying triggers for each lead, by lib's offline rules;
 * the lead moves NEW → ENRICHED in the store. One output item per lead, paired with the item that named it.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { enrichLead } from '../../lib/enrich/enrichLead';
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
    subtitle: '={{"Offline rules · from " + $parameter["source"]}}',
    description: 'Add company size, persona, seniority, pain points and buying triggers to leads',
    defaults: { name: 'Enrich Leads' },
    inputs: ['main'],
    outputs: ['main'],
    usableAsTool: true,
    properties: [
      {
        displayName: 'Method',
        name: 'method',
        type: 'options',
        noDataExpression: true,
        default: 'offline',
        options: [{ name: 'Offline Rules', value: 'offline', description: 'Deterministic rules over title, company and industry; no network' }],
      },
      ...sourceProperties('NEW', 'enrich'),
      storePathProperty,
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return [
      await withNodeStore(this, (store) =>
        perItem(this, chooseTargets(this, store), (target, fail): IDataObject => {
          if (target.leadId === null) {
            throw fail(
              target.named
                ? `no lead with ${target.named} in the store: run Generate Leads on it first`
                : 'this item names no lead: give it a leadId, id or email field (as Generate Leads outputs)',
            );
          }
          const r = enrichLead(store, target.leadId);
          if (!('enrichment' in r)) {
            if (!r.lead) throw fail(r.reason);
            return leadJson(r.lead, { outcome: 'skipped', reason: r.reason });
          }
          return leadJson(r.lead, { outcome: r.outcome }, { enrichment: r.enrichment as unknown as IDataObject });
        }),
      ),
    ];
  }
}
