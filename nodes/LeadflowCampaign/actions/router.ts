/**
 * Leadflow Campaign's router: the Operation parameter picks one operation file, whose `execute` does the work — the
 * folder reads like the node's menu.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import * as activate from './activate.operation';
import * as addLeads from './addLeads.operation';
import * as finish from './finish.operation';
import * as list from './list.operation';
import * as pause from './pause.operation';
import * as preview from './preview.operation';
import * as resume from './resume.operation';
import * as save from './save.operation';

const OPERATIONS = { activate, addLeads, finish, list, pause, preview, resume, save } as const;

export type LeadflowCampaignOperation = keyof typeof OPERATIONS;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  const operation = this.getNodeParameter('operation', 0, 'save') as LeadflowCampaignOperation;
  const chosen = OPERATIONS[operation] as (typeof OPERATIONS)[LeadflowCampaignOperation] | undefined;
  if (!chosen) throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported`);
  return [await chosen.execute.call(this)];
}
