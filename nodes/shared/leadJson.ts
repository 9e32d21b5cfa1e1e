/**
 * How a lead looks as an n8n item: its stored fields, flat, so Sheets, IF and Set nodes can use them directly, plus
 * a `leadflow` object saying what this node did with it (outcome, and the reason when it did nothing).
 */
import type { IDataObject } from 'n8n-workflow';
import type { StoredLead } from '../../lib';

export interface Outcome {
  outcome: string;
  reason?: string;
  /** AI mode: what served the lead — model, cache, or the offline path it fell back to. */
  via?: string;
}

export function leadJson(lead: StoredLead, outcome: Outcome, extra: IDataObject = {}): IDataObject {
  return { ...(lead as unknown as IDataObject), ...extra, leadflow: { ...outcome } as IDataObject };
}
