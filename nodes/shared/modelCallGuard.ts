/**
 * How a node's AI call ends when the model gives no answer for a lead. A deferral (Groq asked to wait longer than
 * the cap) leaves the lead untouched for the next run and says so on its item. A fatal error (key refused, model
 * retired, budget too small) would fail every lead alike, so it is asked once: later items fail with the same
 * message without another request. What the call throws leaves as an n8n error (nodeError.ts); the item loop names
 * its item.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { isFatalLlmError, LlmDeferredError } from '../../lib';
import type { Db } from '../../lib/store/db';
import { leadOn } from '../../lib/store/leads';
import { leadJson } from './leadJson';
import { nodeError } from './nodeError';

export type ModelCall = (db: Db, leadId: number, fail: (message: string) => Error, call: () => Promise<IDataObject>) => Promise<IDataObject>;

export function modelCallGuard(node: INode): ModelCall {
  let fatal: string | null = null;
  return async (db, leadId, fail, call) => {
    if (fatal) throw fail(fatal);
    try {
      return await call();
    } catch (err) {
      if (err instanceof LlmDeferredError) {
        const lead = await leadOn(db, leadId);
        if (lead) return leadJson(lead, { outcome: 'deferred', reason: err.message });
      }
      if (isFatalLlmError(err)) fatal = (err as Error).message;
      throw nodeError(node, err);
    }
  };
}
