/**
 * Which leads a stage node works on: the leads named by its input items (by `leadId`, a numeric `id`, or `email`,
 * as Generate Leads and every other leadflow node output them), or a batch from the store by status. In "auto",
 * the default, items that name leads are used, and a run whose items name none (a Manual Trigger, a Schedule
 * Trigger) takes the batch from the store — so a node dropped after a trigger does its job. The items' references
 * are looked up all at once (two statements, whatever the number of items), not item by item.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { knownLeadIdsOn, leadIdsByEmailsOn, stageLeadIdsOn } from '../../lib/store/leads';
import type { LeadStatus } from '../../lib';
import type { Db } from '../../lib/store/db';
import { limitProperty, statusProperty } from './leadFilterProperties';
import { byExpression, raw } from './subtitle';

export type SourceMode = 'auto' | 'items' | 'store';

/**
 * Leads From in words, for the end of a node's canvas subtitle (an expression, see subtitle.ts): nothing in Auto, the
 * default; " · input items"; " · enriched leads" for leads from the store in that status.
 */
export const SOURCE_SUBTITLE =
  `(${raw('source')} === "items" ? " · input items" : ${raw('source')} !== "store" ? "" : ${byExpression('status')} ? " · leads from store" : " · " + (${raw('status')} + "").toLowerCase() + " leads")`;

export function sourceProperties(defaultStatus: LeadStatus, what: string): INodeProperties[] {
  const fromStore = { hide: { source: ['items'] } };
  return [
    {
      displayName: 'Leads From',
      name: 'source',
      type: 'options',
      default: 'auto',
      options: [
        {
          name: 'Auto',
          value: 'auto',
          description: 'The leads the input items name (leadId, ID or email); when no item names one (after a trigger), leads from the store by Status, up to Limit',
        },
        { name: 'Input Items', value: 'items', description: 'Each input item names one lead by leadId, ID or email' },
        { name: 'Store (by Status)', value: 'store', description: 'Leads from the store in the chosen Status, up to Limit; input items are not read' },
      ],
      description: `Which leads to ${what}. In Auto, Status and Limit are ignored when the input items name leads: they only choose leads from the store after a trigger.`,
    },
    statusProperty({
      default: defaultStatus,
      description: 'Status of the leads taken from the store (in Auto, only when the input items name no lead)',
      displayOptions: fromStore,
    }),
    limitProperty(fromStore),
  ];
}

/** One target per output item: the lead id it names (or null when it names none) and the input item it pairs with. */
export interface LeadTarget {
  itemIndex: number;
  leadId: number | null;
  /** What the item named, for an error message when the lead is not in the store. */
  named: string;
}

/** What one item says about its lead, before the store is asked. */
interface Reference {
  /** Candidate ids, in the order they are tried: `leadId`, `lead.id`, `id`. */
  ids: number[];
  email?: string;
  /** What to name when nothing matches. */
  fallback: string;
}

function referenceOf(item: INodeExecutionData): Reference {
  const json = item.json ?? {};
  const lead = (json.lead ?? {}) as Record<string, unknown>;
  const ids: number[] = [];
  for (const candidate of [json.leadId, lead.id, json.id]) {
    const id = typeof candidate === 'string' && /^\d+$/.test(candidate) ? Number(candidate) : candidate;
    if (typeof id === 'number' && Number.isSafeInteger(id)) ids.push(id);
  }
  const email = typeof json.email === 'string' ? json.email : typeof lead.email === 'string' ? lead.email : undefined;
  const id = json.leadId ?? json.id;
  return { ids, email, fallback: id === undefined ? '' : `id ${String(id)}` };
}

/** The lead each item names: its first candidate id the store holds, else its email's lead, else none. */
export async function leadReferences(items: INodeExecutionData[], store: Db): Promise<LeadTarget[]> {
  const refs = items.map(referenceOf);
  const known = await knownLeadIdsOn(store, [...new Set(refs.flatMap((r) => r.ids))]);
  const idOf = refs.map((ref) => ref.ids.find((candidate) => known.has(candidate)));
  // Emails are looked up only for the items no id of theirs found.
  const emails = new Set<string>();
  refs.forEach((ref, at) => idOf[at] === undefined && ref.email && emails.add(ref.email.trim().toLowerCase()));
  const byEmail = await leadIdsByEmailsOn(store, [...emails]);
  return refs.map((ref, itemIndex): LeadTarget => {
    const id = idOf[itemIndex];
    if (id !== undefined) return { itemIndex, leadId: id, named: `id ${id}` };
    if (ref.email) return { itemIndex, leadId: byEmail.get(ref.email.trim().toLowerCase()) ?? null, named: `email ${ref.email}` };
    return { itemIndex, leadId: null, named: ref.fallback };
  });
}

/**
 * The items' leads, or (from the store) a batch by status — only of `campaignId`'s leads when one is given, and with
 * `awaitingDryRun` only those a dry run has not recorded yet.
 */
export async function chooseTargets(fns: IExecuteFunctions, store: Db, o: { campaignId?: number; awaitingDryRun?: boolean } = {}): Promise<LeadTarget[]> {
  const items = fns.getInputData();
  const mode = fns.getNodeParameter('source', 0, 'auto') as SourceMode;
  if (mode !== 'store') {
    const fromItems = await leadReferences(items, store);
    if (mode === 'items' || fromItems.some((t) => t.named !== '')) return fromItems;
  }
  const status = fns.getNodeParameter('status', 0, 'NEW') as LeadStatus;
  const limit = fns.getNodeParameter('limit', 0, 50) as number;
  const ids = await stageLeadIdsOn(store, { status, limit, campaignId: o.campaignId, awaitingDryRun: o.awaitingDryRun });
  return ids.map((id) => ({ itemIndex: 0, leadId: id, named: `id ${id}` }));
}

/**
 * Why a target cannot be worked on — it names no lead, or one the store does not hold — or undefined when it can.
 * `producer` is the node whose output names leads, for the hint.
 */
export function missingLead(target: LeadTarget, producer: string): string | undefined {
  if (target.leadId !== null) return undefined;
  return target.named
    ? `no lead with ${target.named} in the store: run Generate Leads on it first`
    : `this item names no lead: give it a leadId, id or email field (as ${producer} outputs)`;
}
