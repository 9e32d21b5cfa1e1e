/**
 * The one place a node maps what it catches to n8n's errors (the kinds: lib/errors.ts). A LeadflowError leaves as a
 * NodeOperationError with its message — as a NodeApiError with the service's status when it reports a remote
 * service's answer (`upstream`, e.g. Groq refusing the key), the way n8n's own nodes report a failed API call.
 * Anything else is ours to fix: a NodeOperationError saying "internal error", its stack kept as the cause. n8n's own
 * errors pass through. Every error names its item when there is one.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { LeadflowError, errorMessage } from '../../lib/errors';

export type NodeFailure = NodeOperationError | NodeApiError;

export function nodeError(node: INode, err: unknown, itemIndex?: number): NodeFailure {
  if (err instanceof NodeOperationError || err instanceof NodeApiError) {
    if (itemIndex !== undefined && err.context.itemIndex === undefined) err.context.itemIndex = itemIndex;
    return err;
  }
  if (err instanceof LeadflowError && err.kind !== 'internal') {
    const { upstream } = err;
    if (upstream) {
      return new NodeApiError(node, err as unknown as JsonObject, {
        message: err.message,
        httpCode: upstream.status === undefined ? undefined : String(upstream.status),
        description: `${upstream.service} answered${upstream.status === undefined ? '' : ` ${upstream.status}`}`,
        itemIndex,
      });
    }
    return new NodeOperationError(node, err, { message: err.message, itemIndex });
  }
  const cause = err instanceof Error ? err : new Error(String(err));
  return new NodeOperationError(node, cause, {
    message: `internal error: ${errorMessage(err)}`,
    description: 'This is a fault in the Leadflow node, not in your workflow; the stack is in the error details.',
    itemIndex,
    level: 'error',
  });
}
