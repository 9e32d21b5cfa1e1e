/** Finish: the campaign ends for good — no lead joins it, nothing more is written or sent; its figures stay. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { changeState } from './changeState';

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return changeState(this, { to: 'finished', done: 'finished' });
}
