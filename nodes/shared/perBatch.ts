/**
 * The batch loop of the leadflow stage nodes. n8n hands a node all its items at once and lib works in batches, one
 * transaction each, so the nodes do too: `work` gets up to DEFAULT_BATCH_SIZE units at a time, makes one lib call
 * for them, and returns one result per unit, in order — the output item's json, or that unit's own failure. Every
 * output item is paired with its unit's input item, and comes out in the units' order.
 *
 * Failures become n8n errors naming their item (nodeError.ts) — or, with "Continue On Fail", `{ error }` items in
 * their place, and the loop goes on. A unit `refuse`d (an item naming no stored lead) is known before anything is
 * written: without "Continue On Fail" the node stops at the first one and no lead is touched. When a batch's call
 * throws, its transaction wrote nothing, and each of its units fails with that error.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { DEFAULT_BATCH_SIZE } from '../../lib/pipeline/control';
import { nodeError } from './nodeError';

/** A unit's result: its output json, or its failure. */
export type UnitResult = IDataObject | Error;

/** Makes a unit's failure: `return fail('no lead with id 7…')`. Its item is named when it leaves the node. */
export type UnitFail = (message: string) => NodeOperationError;

export interface BatchWork<T> {
  /** Why a unit cannot be worked on, known before any work: it fails, and `work` never sees it. */
  refuse?: (unit: T) => string | undefined;
  /** One lib call for the batch; one result per unit, in the batch's order. */
  work: (batch: T[], fail: UnitFail) => Promise<UnitResult[]> | UnitResult[];
  batchSize?: number;
}

export async function perBatch<T extends { itemIndex: number }>(fns: IExecuteFunctions, units: T[], o: BatchWork<T>): Promise<INodeExecutionData[]> {
  const node = fns.getNode();
  const continueOnFail = fns.continueOnFail();
  const fail: UnitFail = (message) => new NodeOperationError(node, message);
  const failed = (unit: T, err: unknown): INodeExecutionData => {
    const failure = nodeError(node, err, unit.itemIndex);
    if (!continueOnFail) throw failure;
    return { json: { error: failure.message }, pairedItem: { item: unit.itemIndex } };
  };

  const out: INodeExecutionData[] = new Array(units.length);
  const workable: number[] = [];
  for (let at = 0; at < units.length; at++) {
    const refusal = o.refuse?.(units[at]);
    if (refusal === undefined) workable.push(at);
    else out[at] = failed(units[at], fail(refusal));
  }
  const size = Math.max(1, Math.floor(o.batchSize ?? DEFAULT_BATCH_SIZE));
  for (let first = 0; first < workable.length; first += size) {
    const places = workable.slice(first, first + size);
    const batch = places.map((at) => units[at]);
    let results: UnitResult[];
    try {
      results = await o.work(batch, fail);
    } catch (err) {
      for (const at of places) out[at] = failed(units[at], err);
      continue;
    }
    for (let k = 0; k < places.length; k++) {
      const unit = batch[k];
      const r = results[k];
      out[places[k]] = r instanceof Error ? failed(unit, r) : { json: r, pairedItem: { item: unit.itemIndex } };
    }
  }
  return out;
}
