/**
 * The campaign an operation of Leadflow Campaign works on: the Campaign parameter must name one (there is no "every
 * campaign" here), and the store must hold it — lib's error names the campaigns it does.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { LeadflowError } from '../../../lib';
import type { Db } from '../../../lib/store/db';
import type { Campaign } from '../../../lib/campaigns/campaigns';
import { chosenCampaignOn } from '../../shared/campaignParameter';

export async function requiredCampaign(fns: IExecuteFunctions, db: Db, itemIndex: number): Promise<Campaign> {
  const campaign = await chosenCampaignOn(fns, db, itemIndex);
  if (!campaign) throw new LeadflowError('input', 'no campaign chosen: pick one under Campaign, or give its name with an expression');
  return campaign;
}
