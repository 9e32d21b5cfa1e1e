/**
 * Which Groq model to use: the default and what replaces a retired model (the live list is in modelList.ts). A
 * model Groq no longer serves is a configuration error, never a per-lead fallback: every lead would fail the same
 * way, so the error names the model and what to pick instead.
 */

import { LeadflowError } from '../errors';

/** Groq's named replacement for llama-3.3-70b-versatile; a reasoning model with strict JSON-schema output. */
export const DEFAULT_GROQ_MODEL = 'openai/gpt-oss-120b';

/** Retired models and what Groq names as their replacement. */
export const MODEL_REPLACEMENTS: Readonly<Record<string, string>> = Object.freeze({
  // Decommissioned for free and developer tiers on 2026-08-16.
  'llama-3.3-70b-versatile': DEFAULT_GROQ_MODEL,
  'llama3-70b-8192': DEFAULT_GROQ_MODEL,
  'llama3-8b-8192': 'openai/gpt-oss-20b',
  'mixtral-8x7b-32768': DEFAULT_GROQ_MODEL,
  'gemma2-9b-it': 'openai/gpt-oss-20b',
});

export class ModelUnavailableError extends LeadflowError {
  readonly model: string;
  readonly code: string;
  readonly replacement: string;
  constructor(model: string, code: string, serverMessage: string) {
    const replacement = MODEL_REPLACEMENTS[model] ?? DEFAULT_GROQ_MODEL;
    const what = code === 'model_decommissioned' ? 'has been decommissioned by Groq' : 'is not available to this API key';
    super(
      'config',
      `the model "${model}" ${what} (${code}: ${serverMessage}). Pick "${replacement}" instead: pass ` +
        `--groq-model ${replacement} or set GROQ_MODEL=${replacement} (in n8n, choose it in the node's Model list).`,
      { upstream: { service: 'Groq' } },
    );
    this.name = 'ModelUnavailableError';
    this.model = model;
    this.code = code;
    this.replacement = replacement;
  }
}
