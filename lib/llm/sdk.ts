/**
 * The real groq-sdk client, configured the one way leadflow uses it: our own retry loop (the SDK's retries off, so
 * every request the server sees went through our budget) and our timeout.
 *
 * groq-sdk is loaded when the first client is made, not with lib: only AI mode talks to Groq, and every process that
 * loads lib without it — a dry run of a million leads, the n8n nodes, the servers — would carry it for nothing.
 */
import type Groq from 'groq-sdk';
import type { GroqSettings } from './settings';

/** The SDK's class, its error classes as statics (`RateLimitError`, `APIError`, …). Loaded on first use. */
export function groqSdk(): typeof Groq {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
  return (require('groq-sdk') as { default: typeof Groq }).default;
}

export function sdkFor(settings: Pick<GroqSettings, 'apiKey' | 'baseURL' | 'timeoutMs'>): Groq {
  const GroqSdk = groqSdk();
  return new GroqSdk({ apiKey: settings.apiKey, baseURL: settings.baseURL, maxRetries: 0, timeout: settings.timeoutMs });
}
