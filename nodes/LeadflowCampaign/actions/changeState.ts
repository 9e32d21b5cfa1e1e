/**
 * The state operations (Activate, Pause, Resume, Finish) in one place: for each input item, the chosen campaign is
 * moved to `to` as lib allows (draft → active ⇄ paused → finished; a move it does not allow is refused, saying
 * which it does). Asking for the state a campaign is already in changes nothing and says so.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { campaignSummary, setCampaignState } from '../../../lib/campaigns/campaigns';
import type { CampaignState } from '../../../lib/campaigns/spec';
import { withNodeDb } from '../../shared/openNodeStore';
import { perItem } from '../../shared/perItem';
import { campaignJson } from './campaignJson';
import { requiredCampaign } from './requiredCampaign';

export interface StateMove {
  to: CampaignState;
  /** The item's outcome when the state changed: "paused". */
  done: string;
  /** The states this operation moves from (default: any lib allows), and what to do instead from another. */
  from?: { states: readonly CampaignState[]; otherwise: string };
}

export async function changeState(fns: IExecuteFunctions, move: StateMove): Promise<INodeExecutionData[]> {
  const units = fns.getInputData().map((_, itemIndex) => ({ itemIndex }));
  return withNodeDb(fns, (store) =>
    perItem(fns, units, async ({ itemIndex }, fail): Promise<IDataObject> => {
      const before = await requiredCampaign(fns, store, itemIndex);
      if (move.from && before.state !== move.to && !move.from.states.includes(before.state)) {
        throw fail(`campaign "${before.name}" is ${before.state}: ${move.from.otherwise}`);
      }
      const after = await setCampaignState(store, before.id, move.to);
      const outcome = before.state === after.state ? 'unchanged' : move.done;
      return campaignJson(await campaignSummary(store, after.id), { outcome, previousState: before.state });
    }),
  );
}
