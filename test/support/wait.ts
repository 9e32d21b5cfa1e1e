/** Poll a condition another process makes true (rows in a shared store), failing with what was awaited after `timeoutMs`. */
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
