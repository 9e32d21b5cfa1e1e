/**
 * Method: a stage node's offline path or AI (Groq), with the Model parameter shown in AI mode. Defined once for
 * Enrich Leads and Personalize Messages; each asks for the Groq credential when Method is AI.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { modelProperty } from './groqMode';
import { byExpression, raw } from './subtitle';

const AI = 'ai';

/** Method (the offline choice is the default) and Model. */
export function methodProperties(offline: INodePropertyOptions & { value: string }, aiDescription: string): INodeProperties[] {
  const offlineValue = offline.value;
  return [
    {
      displayName: 'Method',
      name: 'method',
      type: 'options',
      noDataExpression: true,
      default: offlineValue,
      options: [offline, { name: 'AI (Groq)', value: AI, description: aiDescription }],
    },
    modelProperty(AI),
  ];
}

/** Method in words, for the start of a canvas subtitle (an expression, see subtitle.ts): "AI: <model>", else `offline`. */
export function methodSubtitle(offline: string): string {
  return `(${raw('method')} === "${AI}" ? (${byExpression('model')} ? "AI" : "AI: " + ${raw('model')}) : "${offline}")`;
}

/** Whether this execution runs in AI mode. */
export function isAiMode(method: unknown): boolean {
  return method === AI;
}
