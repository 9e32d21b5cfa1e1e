/**
 * The real groq-sdk client, configured the one way leadflow uses it: our own retry loop (the SDK's retries off, so
 * every request the server sees went through our budget) and our timeout.
 */
import Groq from 'groq-sdk';
import type { GroqSettings } from './settings';

export function sdkFor(settings: Pick<GroqSettings, 'apiKey' | 'baseURL' | 'timeoutMs'>): Groq {
  return new Groq({ apiKey: settings.apiKey, baseURL: settings.baseURL, maxRetries: 0, timeout: settings.timeoutMs });
}
