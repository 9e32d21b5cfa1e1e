/**
 * Leadflow Groq API: the key (a password field) and an optional base URL (a proxy, or a local stand-in in tests).
 * The credential test lists the models, which any valid key may do and which costs no tokens.
 */
import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class LeadflowGroqApi implements ICredentialType {
  name = 'leadflowGroqApi';

  displayName = 'Leadflow Groq API';

  icon = { light: 'file:leadflowGroqApi.svg', dark: 'file:leadflowGroqApi.dark.svg' } as const;

  documentationUrl = 'https://github.com/leadflow/n8n-nodes-leadflow#ai-mode-groq';

  properties: INodeProperties[] = [
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      description: 'A Groq API key from console.groq.com/keys',
    },
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'https://api.groq.com',
      description: 'Change only for a proxy or a Groq-compatible server; the path /openai/v1 is added',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
      url: '/openai/v1/models',
      method: 'GET',
    },
  };
}
