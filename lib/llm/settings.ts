/**
 * Groq settings: what a caller may set (flags, env, an n8n credential), checked with zod, with defaults for Groq's
 * free tier. `resolveGroqSettings` is the one place an environment is read, so every adapter names the same
 * variables and fails with the same sentence when the key is missing.
 */
import { LeadflowError } from '../errors';
import { z } from 'zod';
import { DEFAULT_GROQ_MODEL } from './models';

export const GROQ_DEFAULTS = Object.freeze({
  baseURL: 'https://api.groq.com',
  model: DEFAULT_GROQ_MODEL,
  // Groq's free tier for openai/gpt-oss-120b.
  rpm: 30,
  tpm: 8_000,
  /** Requests in flight at once, per process. */
  concurrency: 4,
  timeoutMs: 30_000,
  /** Attempts per answer when the fault is transient (429, 5xx, timeouts, dropped connections). */
  maxAttempts: 3,
  /** Longest we wait for a retry-after or the budget before deferring the lead instead. */
  maxWaitMs: 65_000,
  /** The budget's rolling window. Groq's is a minute; tests shorten it, nothing else should. */
  windowMs: 60_000,
});

const positiveInt = z.number().int().positive();

export const groqSettingsSchema = z.object({
  apiKey: z.string().trim().min(1, 'the Groq API key is empty: set GROQ_API_KEY or pass a key'),
  baseURL: z.string().url('the Groq base URL must be an absolute URL such as https://api.groq.com').default(GROQ_DEFAULTS.baseURL),
  model: z.string().trim().min(1).default(GROQ_DEFAULTS.model),
  rpm: positiveInt.default(GROQ_DEFAULTS.rpm),
  tpm: positiveInt.default(GROQ_DEFAULTS.tpm),
  concurrency: positiveInt.max(64).default(GROQ_DEFAULTS.concurrency),
  // Below the budget's PENDING_CAP_MS, so an unanswered request never outlives its slot.
  timeoutMs: positiveInt.max(120_000).default(GROQ_DEFAULTS.timeoutMs),
  maxAttempts: positiveInt.max(10).default(GROQ_DEFAULTS.maxAttempts),
  maxWaitMs: z.number().int().nonnegative().default(GROQ_DEFAULTS.maxWaitMs),
  windowMs: positiveInt.default(GROQ_DEFAULTS.windowMs),
});

export type GroqSettingsInput = z.input<typeof groqSettingsSchema>;
export type GroqSettings = z.output<typeof groqSettingsSchema>;

/** Everything but the key: what a run may store in its options and resume with. */
export type GroqRunSettings = Partial<Omit<GroqSettingsInput, 'apiKey'>>;

export class MissingGroqKeyError extends LeadflowError {
  constructor() {
    super(
      'config',
      'GROQ_API_KEY is not set: AI mode needs a Groq API key. Create one at https://console.groq.com/keys and ' +
        'export GROQ_API_KEY=…, or run without AI (--enrich offline --personalize template).',
    );
    this.name = 'MissingGroqKeyError';
  }
}

export class GroqSettingsError extends LeadflowError {
  constructor(message: string) {
    super('config', message);
    this.name = 'GroqSettingsError';
  }
}

/** Validate settings; throws GroqSettingsError naming each bad field. */
export function groqSettings(input: GroqSettingsInput): GroqSettings {
  if (!input.apiKey || !String(input.apiKey).trim()) throw new MissingGroqKeyError();
  const parsed = groqSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`);
    throw new GroqSettingsError(`invalid Groq settings — ${problems.join('; ')}`);
  }
  // The SDK appends /openai/v1/...: a base URL that already ends in it would double the path.
  const baseURL = parsed.data.baseURL.replace(/\/+$/, '').replace(/\/openai\/v1$/, '');
  return { ...parsed.data, baseURL };
}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw)) throw new GroqSettingsError(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/**
 * Settings from explicit values (flags, a run's stored options) over the environment: GROQ_API_KEY, GROQ_BASE_URL,
 * GROQ_MODEL, GROQ_RPM, GROQ_TPM. Throws MissingGroqKeyError when no key is found anywhere.
 */
export function resolveGroqSettings(explicit: GroqRunSettings & { apiKey?: string }, env: NodeJS.ProcessEnv = process.env): GroqSettings {
  const pick = <T>(value: T | undefined, fallback: T | undefined) => (value !== undefined && value !== '' ? value : fallback);
  const input: Record<string, unknown> = {
    ...explicit,
    apiKey: pick(explicit.apiKey, env.GROQ_API_KEY?.trim()),
    baseURL: pick(explicit.baseURL, env.GROQ_BASE_URL?.trim() || undefined),
    model: pick(explicit.model, env.GROQ_MODEL?.trim() || undefined),
    rpm: pick(explicit.rpm, envNumber(env, 'GROQ_RPM')),
    tpm: pick(explicit.tpm, envNumber(env, 'GROQ_TPM')),
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  return groqSettings(input as GroqSettingsInput);
}
