/**
 * A separate process that sends `count` requests through a Groq client on a shared store file, for the test that
 * two processes share one budget. Args: <store path> <base URL> <rpm> <window ms> <count>. Prints the answers' count.
 */
import { z } from 'zod';
import { openStore } from '../../lib/store/store';
import { createGroqClient } from '../../lib/llm/client';

const [path, baseURL, rpm, windowMs, count] = process.argv.slice(2);
const store = openStore(path);
const client = createGroqClient({ apiKey: 'k', baseURL, rpm: Number(rpm), windowMs: Number(windowMs), tpm: 1_000_000, concurrency: 4 }, store);
const req = {
  purpose: 'enrich' as const,
  schemaName: 'company_profile',
  jsonSchema: { type: 'object' },
  validator: z.unknown(),
  messages: [{ role: 'user' as const, content: 'profile' }],
  maxCompletionTokens: 32,
};
void Promise.all(Array.from({ length: Number(count) }, () => client.requestJson(req))).then((answers) => {
  process.stdout.write(String(answers.filter((a) => a.ok).length));
  store.close();
});
