/**
 * AI mode in a leadflow node: the Groq credential, the Model parameter (its dropdown read from the API with that
 * credential, through lib's listModels) and the client a node execution uses. The client shares its request
 * budget through the store with every other process, as the CLI and MCP server's do. Only the credential supplies
 * the key: an n8n process's GROQ_* environment is not read, so a workflow runs the same on every instance.
 */
import {
  NodeOperationError,
  type IExecuteFunctions,
  type ILoadOptionsFunctions,
  type INodeProperties,
  type INodePropertyOptions,
} from 'n8n-workflow';
import { createGroqClient, DEFAULT_GROQ_MODEL, LeadflowError, listModels, resolveGroqSettings, type GroqClient, type GroqSettings } from '../../lib';
import type { Db } from '../../lib/store/db';
import { nodeError } from './nodeError';

export const GROQ_CREDENTIAL = 'leadflowGroqApi';

export function modelProperty(aiValue: string): INodeProperties {
  return {
    displayName: 'Model Name or ID',
    name: 'model',
    type: 'options',
    typeOptions: { loadOptionsMethod: 'listGroqModels' },
    default: DEFAULT_GROQ_MODEL,
    description: 'The Groq model that writes the answer. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
    displayOptions: { show: { method: [aiValue] } },
  };
}

interface GroqCredentialData {
  apiKey?: unknown;
  baseUrl?: unknown;
}

/** Settings from the credential (and a model), checked by lib; a bad or empty key says which credential to fix. */
export function groqSettingsFromCredential(data: GroqCredentialData, model?: string): GroqSettings {
  const apiKey = typeof data.apiKey === 'string' ? data.apiKey : '';
  const baseURL = typeof data.baseUrl === 'string' && data.baseUrl.trim() !== '' ? data.baseUrl.trim() : undefined;
  if (!apiKey.trim()) {
    throw new LeadflowError('config', 'the Leadflow Groq API credential has no API key: open it and paste a key from https://console.groq.com/keys');
  }
  return resolveGroqSettings({ apiKey, baseURL, model: model?.trim() || undefined }, {});
}

/** The Model dropdown: the models the credential's key can use, the default first; inactive ones marked. */
export async function listGroqModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
  const data = (await this.getCredentials(GROQ_CREDENTIAL)) as GroqCredentialData;
  const models = await listModels(groqSettingsFromCredential(data));
  return models.map((m) => ({
    name: m.active ? m.id : `${m.id} (inactive)`,
    value: m.id,
    description: [m.ownedBy, m.contextWindow ? `${m.contextWindow.toLocaleString('en-US')} tokens context` : ''].filter(Boolean).join(' · '),
  }));
}

/** The client for one node execution, over the node's store, either database (for the shared budget and answer cache). */
export async function groqClientForNode(fns: IExecuteFunctions, db: Db): Promise<GroqClient> {
  const data = (await fns.getCredentials(GROQ_CREDENTIAL).catch(() => null)) as GroqCredentialData | null;
  if (!data) throw new NodeOperationError(fns.getNode(), 'AI mode needs a Leadflow Groq API credential: add one, or set Method back to the offline choice');
  const model = String(fns.getNodeParameter('model', 0, DEFAULT_GROQ_MODEL) ?? '');
  try {
    return createGroqClient(groqSettingsFromCredential(data, model), db);
  } catch (err) {
    throw nodeError(fns.getNode(), err);
  }
}
