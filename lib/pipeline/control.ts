/**
 * How a caller steers a batch stage: batch size, an optional cap, a stop check asked between batches, and hooks.
 * `inBatch` runs inside each batch's transaction, so whatever it records (a run's progress) commits with the work.
 */
export interface StageControl<T> {
  batchSize?: number;
  /** Process at most this many leads. */
  limit?: number;
  shouldStop?: () => boolean;
  inBatch?: (tally: T) => void;
  onBatch?: (tally: T) => void;
}

export const DEFAULT_BATCH_SIZE = 1000;

export function batchRoom(c: { batchSize?: number; limit?: number }, done: number): number {
  const size = Math.max(1, Math.floor(c.batchSize ?? DEFAULT_BATCH_SIZE));
  return c.limit === undefined ? size : Math.min(size, c.limit - done);
}
