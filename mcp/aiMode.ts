/**
 * AI mode for enrich_leads and generate_messages: a Groq client from the server's environment (GROQ_API_KEY,
 * GROQ_BASE_URL, GROQ_MODEL, GROQ_RPM, GROQ_TPM — lib's resolveGroqSettings), sharing its request budget through
 * the store with every other process. Without a key the call is refused with lib's own sentence on how to get one;
 * it is never quietly served by the offline path under an "ai" label.
 */
import { createGroqClient, type GroqClient } from '../lib/llm/client';
import { resolveGroqSettings } from '../lib/llm/settings';
import type { Store } from '../lib/store/store';

export function groqClientFromEnv(store: Store, env: NodeJS.ProcessEnv): GroqClient {
  return createGroqClient(resolveGroqSettings({}, env), store);
}
