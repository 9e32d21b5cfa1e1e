/**
 * The body of a background run's process (started by `BackgroundRunner`, never by hand): open the store on its own
 * connection, run or resume the pipeline, and report over the IPC channel — the run id once its row exists, progress
 * after every batch, then the result or why it failed. Nothing is written to stdout.
 *
 * A run lives as long as the program that started it: when that program is gone (the channel breaks, or this process
 * was handed to another parent) the run stops at its next batch boundary, STOPPED and resumable. The check is made
 * after every batch rather than on the channel's 'disconnect' event, because an offline run's batches are
 * synchronous and would not see the event until the run ended.
 */
import { openStore, type Store } from '../store/store';
import { errorKind, errorMessage } from '../errors';
import { runPipeline, resumePipeline, type RunHooks } from './pipeline';
import type { RunnerMessage, RunRequestMessage } from './backgroundRunner';

function main(m: RunRequestMessage): Promise<void> {
  // The channel stays open for messages out, but no longer keeps this process alive once the run is over.
  process.channel?.unref();
  const parent = process.ppid;
  const abandoned = new AbortController();
  const post = (msg: RunnerMessage) => {
    if (!process.connected) return abandoned.abort();
    process.send!(msg, undefined, {}, (err) => {
      if (err) abandoned.abort();
    });
  };
  process.on('disconnect', () => abandoned.abort());
  const hooks: RunHooks = {
    signal: abandoned.signal,
    onStart: (runId) => post({ type: 'started', runId }),
    onProgress: (event) => {
      if (process.ppid !== parent) abandoned.abort();
      post({ type: 'progress', event });
    },
  };
  let store: Store | undefined;
  return (async () => {
    try {
      store = openStore(m.storePath, { create: false });
      const result = m.request.resume ? await resumePipeline(store, hooks) : await runPipeline(store, m.request.options, hooks);
      post({ type: 'done', result });
    } catch (err) {
      const e = err as Error;
      post({ type: 'failed', kind: errorKind(err), name: e?.name ?? 'Error', message: errorMessage(err) });
      process.exitCode = 1;
    } finally {
      store?.close();
    }
  })();
}

if (process.send) process.once('message', (m: RunRequestMessage) => void main(m));
