/**
 * Status and Limit: which stored leads a node reads, defined once for every node that reads leads by status
 * (the stage nodes working "from the store", Outreach Metrics listing and exporting).
 */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { LEAD_STATUSES, type LeadStatus } from '../../lib';

const STATUS_OPTIONS = LEAD_STATUSES.map((s) => ({ name: s.charAt(0) + s.slice(1).toLowerCase(), value: s }));

/** The Status parameter; with `any`, an "Any" choice (value '') comes first and is the default. */
export function statusProperty(o: { default?: LeadStatus; any?: boolean; description: string; displayOptions?: IDisplayOptions }): INodeProperties {
  const chosen = o.any ? '' : (o.default ?? 'NEW');
  return {
    displayName: 'Status',
    name: 'status',
    type: 'options',
    default: chosen,
    options: o.any ? [{ name: 'Any', value: '' }, ...STATUS_OPTIONS] : STATUS_OPTIONS,
    description: o.description,
    ...(o.displayOptions ? { displayOptions: o.displayOptions } : {}),
  };
}

/** The Limit parameter: at most this many leads are read. */
export function limitProperty(displayOptions?: IDisplayOptions): INodeProperties {
  return {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 50,
    description: 'Max number of results to return',
    ...(displayOptions ? { displayOptions } : {}),
  };
}
