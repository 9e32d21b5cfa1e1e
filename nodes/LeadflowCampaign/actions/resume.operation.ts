/** Resume: a paused campaign is active again; its held leads are written to and sent. Only a paused one resumes. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { changeState } from './changeState';

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return changeState(this, {
    to: 'active',
    done: 'resumed',
    from: { states: ['paused'], otherwise: 'only a paused campaign resumes (Activate starts a draft)' },
  });
}
