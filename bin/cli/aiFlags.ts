/**
 * The `run` command's AI-mode flags (--enrich, --personalize, --groq-*), each with its environment fallback, and
 * the check that fails fast — before the store is touched — when AI mode is asked for without a Groq key.
 */
import { Option, type Command } from 'commander';
import { GROQ_DEFAULTS, MissingGroqKeyError, resolveGroqSettings, type GroqRunSettings, type GroqSettings } from '../../lib/llm/settings';
import { oneOf, wholeNumber } from './args';

export interface AiFlags {
  enrich: 'offline' | 'ai';
  personalize: 'template' | 'ai';
  groqModel?: string;
  groqBaseUrl?: string;
  groqRpm?: number;
  groqTpm?: number;
}

export function addAiOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--enrich <mode>', 'offline (rules) or ai (Groq, rules as per-lead fallback)').argParser(oneOf(['offline', 'ai'] as const)).default('offline'))
    .addOption(new Option('--personalize <mode>', 'template or ai (Groq, template as per-channel fallback)').argParser(oneOf(['template', 'ai'] as const)).default('template'))
    .option('--groq-model <id>', `Groq model (default: $GROQ_MODEL, else ${GROQ_DEFAULTS.model})`)
    .option('--groq-base-url <url>', `Groq-compatible server (default: $GROQ_BASE_URL, else ${GROQ_DEFAULTS.baseURL})`)
    .option('--groq-rpm <n>', `requests per minute, shared by every process on the store (default: $GROQ_RPM, else ${GROQ_DEFAULTS.rpm})`, wholeNumber(1, 100_000))
    .option('--groq-tpm <n>', `tokens per minute (default: $GROQ_TPM, else ${GROQ_DEFAULTS.tpm})`, wholeNumber(1, 100_000_000));
}

/** Settings for a run in AI mode (null when no stage uses AI). Throws MissingGroqKeyError without a key. */
export function aiSettingsFrom(o: AiFlags, env: NodeJS.ProcessEnv = process.env): { settings: GroqSettings; stored: GroqRunSettings } | null {
  if (o.enrich !== 'ai' && o.personalize !== 'ai') return null;
  const explicit: GroqRunSettings = { model: o.groqModel, baseURL: o.groqBaseUrl, rpm: o.groqRpm, tpm: o.groqTpm };
  const settings = resolveGroqSettings(explicit, env);
  // What the run stores (and a resume reuses): everything but the key.
  const stored: GroqRunSettings = { model: settings.model, baseURL: settings.baseURL, rpm: settings.rpm, tpm: settings.tpm };
  return { settings, stored };
}

export { MissingGroqKeyError };
