/**
 * Send Outreach's router: the Operation parameter picks one operation file, whose `execute` does the work — the
 * folder reads like the node's menu (send.operation.ts, recordEvent.operation.ts).
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import * as recordEvent from './recordEvent.operation';
import * as send from './send.operation';

export type SendOutreachOperation = 'send' | 'recordEvent';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  const operation = this.getNodeParameter('operation', 0, 'send') as SendOutreachOperation;
  switch (operation) {
    case 'send':
      return [await send.execute.call(this)];
    case 'recordEvent':
      return [await recordEvent.execute.call(this)];
    default:
      throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported`);
  }
}
