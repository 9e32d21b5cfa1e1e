/** The models a Groq key can use, read from the API (GET /openai/v1/models): the n8n node's Model dropdown. */
import { DEFAULT_GROQ_MODEL } from './models';
import { sdkFor } from './sdk';
import { groqSettings, type GroqSettings, type GroqSettingsInput } from './settings';

export interface GroqModelInfo {
  id: string;
  ownedBy: string;
  /** Groq marks models it still lists but no longer serves as inactive. */
  active: boolean;
  contextWindow: number | null;
}

/** The models this key can use, active ones first, then by id; the default model first among equals. */
export async function listModels(input: GroqSettingsInput | GroqSettings): Promise<GroqModelInfo[]> {
  const page = await sdkFor(groqSettings(input)).models.list();
  const models = (page.data ?? []).map((m) => {
    const extra = m as unknown as { active?: boolean; context_window?: number };
    return {
      id: m.id,
      ownedBy: m.owned_by ?? '',
      active: extra.active !== false,
      contextWindow: typeof extra.context_window === 'number' ? extra.context_window : null,
    };
  });
  const rank = (m: GroqModelInfo) => (m.active ? 0 : 2) + (m.id === DEFAULT_GROQ_MODEL ? 0 : 1);
  return models.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}
