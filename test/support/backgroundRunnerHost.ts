/**
 * A program that starts a long background run and then waits to be killed: for the test that a run does not outlive
 * the program that started it. Prints `<runId> <pid of the run process>` on stdout once the run has started.
 * Usage: node --import tsx backgroundRunnerHost.ts <store path>
 */
import { openStore } from '../../lib/store/store';
import { BackgroundRunner } from '../../lib/pipeline/backgroundRunner';

async function main(path: string): Promise<void> {
  const store = openStore(path);
  const runner = new BackgroundRunner(store);
  const run = await runner.start({ options: { leads: 2_000_000, seed: 1, channels: ['email'], batchSize: 200 } });
  process.stdout.write(`${run.runId} ${run.pid}\n`);
  setInterval(() => {}, 1 << 30);
}

void main(process.argv[2]);
