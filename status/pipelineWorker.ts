/**
 * The body of the status server's pipeline thread: open the store on its own connection, run (or resume) the
 * pipeline, and post progress, the result or the failure back. The pipeline's stages are synchronous between
 * batches, so running them here keeps the server answering (and the Stop button working) during a run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../lib/store/store';
import { runPipeline, resumePipeline, type PipelineOptions } from '../lib/pipeline/pipeline';

export interface WorkerInput {
  storePath: string;
  options: PipelineOptions;
  resume: boolean;
}

export type WorkerMessage =
  | { type: 'progress'; event: import('../lib/pipeline/pipeline').ProgressEvent }
  | { type: 'done'; result: import('../lib/pipeline/pipeline').PipelineResult }
  | { type: 'failed'; message: string };

async function main(input: WorkerInput): Promise<void> {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const store = openStore(input.storePath);
  try {
    const hooks = { onProgress: (event: import('../lib/pipeline/pipeline').ProgressEvent) => post({ type: 'progress', event }) };
    const result = input.resume ? await resumePipeline(store, hooks) : await runPipeline(store, input.options, hooks);
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'failed', message: (err as Error).message });
  } finally {
    store.close();
  }
}

if (parentPort) void main(workerData as WorkerInput);
