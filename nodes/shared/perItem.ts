/**
 * The item loop every leadflow node shares: one output item per unit of work, paired with the input item it came
 * from. A failure becomes an n8n error naming the item (nodeError.ts) — or, with "Continue On Fail", an `{ error }`
 * item in its place, and the loop goes on.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { nodeError } from './nodeError';

/** Makes the error for a unit's failure, already naming its item: `throw fail('no lead with id 7…')`. */
export type Fail = (message: string) => NodeOperationError;

export async function perItem<T extends { itemIndex: number }>(
  fns: IExecuteFunctions,
  units: T[],
  work: (unit: T, fail: Fail) => Promise<IDataObject> | IDataObject,
): Promise<INodeExecutionData[]> {
  const out: INodeExecutionData[] = [];
  for (const unit of units) {
    const fail: Fail = (message) => new NodeOperationError(fns.getNode(), message, { itemIndex: unit.itemIndex });
    try {
      out.push({ json: await work(unit, fail), pairedItem: { item: unit.itemIndex } });
    } catch (err) {
      const failure = nodeError(fns.getNode(), err, unit.itemIndex);
      if (fns.continueOnFail()) {
        out.push({ json: { error: failure.message }, pairedItem: { item: unit.itemIndex } });
        continue;
      }
      throw failure;
    }
  }
  return out;
}
