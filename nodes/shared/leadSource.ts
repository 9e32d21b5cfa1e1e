/**
 * Which leads a stage node works on: the leads named by its input items (by `leadId`, a numeric `id`, or `email`,
 * as Generate Leads and every other leadflow node output them), or a batch from the store by status. In "auto",
 * the default, items that name leads are used, and a run whose items name none (a Manual Trigger, a Schedule
 * Trigger) takes the batch from the store — so a node dropped after a trigger does its job.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { getLeadByEmail, getLead, listLeads, LEAD_STATUSES, type LeadStatus, type Store } from '../../lib';

export type SourceMode = 'auto' | 'items' | 'store';

export function sourceProperties(defaultStatus: LeadStatus, what: string): INodeProperties[] {
  return [
    {
      displayName: 'Leads From',
      name: 'source',
      type: 'options',
      default: 'auto',
      options: [
        { name: 'Auto', value: 'auto', description: 'Input items that name a lead (leadId, ID or email); if none do, the store by status' },
        { name: 'Input Items', value: 'items', description: 'Each input item names one lead by leadId, ID or email' },
        { name: 'Store (by Status)', value: 'store', description: 'A batch of leads from the store in the chosen status' },
      ],
      description: `Which leads to ${what}`,
    },
    {
      displayName: 'Status',
      name: 'status',
      type: 'options',
      default: defaultStatus,
      options: LEAD_STATUSES.map((s) => ({ name: s.charAt(0) + s.slice(1).toLowerCase(), value: s })),
      description: 'Status of the leads taken from the store',
      displayOptions: { hide: { source: ['items'] } },
    },
    {
      displayName: 'Limit',
      name: 'limit',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 50,
      description: 'Max number of results to return',
      displayOptions: { hide: { source: ['items'] } },
    },
  ];
}

/** One target per output item: the lead id it names (or null when it names none) and the input item it pairs with. */
export interface LeadTarget {
  itemIndex: number;
  leadId: number | null;
  /** What the item named, for an error message when the lead is not in the store. */
  named: string;
}

export function leadReference(item: INodeExecutionData, store: Store): { leadId: number | null; named: string } {
  const json = item.json ?? {};
  const lead = (json.lead ?? {}) as Record<string, unknown>;
  for (const candidate of [json.leadId, lead.id, json.id]) {
    const id = typeof candidate === 'string' && /^\d+$/.test(candidate) ? Number(candidate) : candidate;
    if (typeof id === 'number' && Number.isSafeInteger(id) && getLead(store, id)) return { leadId: id, named: `id ${id}` };
  }
  const email = typeof json.email === 'string' ? json.email : typeof lead.email === 'string' ? lead.email : undefined;
  if (email) {
    const found = getLeadByEmail(store, email.trim().toLowerCase());
    return { leadId: found?.id ?? null, named: `email ${email}` };
  }
  const id = json.leadId ?? json.id;
  return { leadId: null, named: id === undefined ? '' : `id ${String(id)}` };
}

export function chooseTargets(fns: IExecuteFunctions, store: Store): LeadTarget[] {
  const items = fns.getInputData();
  const mode = fns.getNodeParameter('source', 0, 'auto') as SourceMode;
  if (mode !== 'store') {
    const fromItems = items.map((item, itemIndex) => ({ itemIndex, ...leadReference(item, store) }));
    if (mode === 'items' || fromItems.some((t) => t.named !== '')) return fromItems;
  }
  const status = fns.getNodeParameter('status', 0, 'NEW') as LeadStatus;
  const limit = fns.getNodeParameter('limit', 0, 50) as number;
  return listLeads(store, { status, limit }).leads.map((lead) => ({ itemIndex: 0, leadId: lead.id, named: `id ${lead.id}` }));
}
