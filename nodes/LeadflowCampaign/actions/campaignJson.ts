/**
 * How a campaign looks as an n8n item: its summary as lib lists it — state, offer, sender, steps, leads and their
 * statuses — flat, so IF and Sheets nodes can use it, plus a `leadflow` object saying what this node did with it.
 */
import type { IDataObject } from 'n8n-workflow';
import type { CampaignSummary } from '../../../lib/campaigns/campaigns';

export function campaignJson(summary: CampaignSummary, leadflow: IDataObject, extra: IDataObject = {}): IDataObject {
  return { ...summary, ...extra, leadflow };
}
