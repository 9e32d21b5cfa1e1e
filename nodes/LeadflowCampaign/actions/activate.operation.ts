/** Activate: a draft (or paused) campaign becomes active — its leads are written to and sent. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { changeState } from './changeState';

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return changeState(this, { to: 'active', done: 'activated' });
}
