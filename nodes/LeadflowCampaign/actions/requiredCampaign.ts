/**
 * The campaign an operation of Leadflow Campaign works on: the Campaign parameter must name one (there is no "every
 * campaign" here), and the store must hold it — lib's error names the campaigns it does.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { LeadflowError, type Store } from '../../../lib';
import type { Campaign } from '../../../lib/campaigns/campaigns';
import { chosenCampaign } from '../../shared/campaignParameter';

export function requiredCampaign(fns: IExecuteFunctions, store: Store, itemIndex: number): Campaign {
  const campaign = chosenCampaign(fns, store, itemIndex);
  if (!campaign) throw new LeadflowError('input', 'no campaign chosen: pick one under Campaign, or give its name with an expression');
  return campaign;
}
