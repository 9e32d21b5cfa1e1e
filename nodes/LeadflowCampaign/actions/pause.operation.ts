/** Pause: an active campaign stops — its leads are neither written to nor sent until it is resumed. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { changeState } from './changeState';

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return changeState(this, { to: 'paused', done: 'paused' });
}
