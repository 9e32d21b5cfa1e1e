/**
 * Runs a credential type's declarative test request the way n8n's credential tester does: the request's and the
 * `authenticate` block's `={{ … }}` values resolved by n8n-workflow's real expression engine with `$credentials`
 * set to the filled-in credential, then the request sent over real HTTP. Returns the status and body received.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, INodeTypes } from 'n8n-workflow';
import './n8nEngine';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wf = require('n8n-workflow') as typeof import('n8n-workflow');

export interface CredentialTestResult {
  url: string;
  status: number;
  body: string;
}

export async function runCredentialTestRequest(type: ICredentialType, data: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
  const request = type.test?.request;
  if (!request) throw new Error(`credential ${type.name} has no declarative test request`);
  const nodeTypes: INodeTypes = { getByName: () => undefined as never, getByNameAndVersion: () => undefined as never, getKnownTypes: () => ({}) };
  const workflow = new wf.Workflow({ id: 'cred-test', name: 'cred-test', active: false, nodeTypes, nodes: [], connections: {}, settings: {} });
  const resolve = (value: unknown): string =>
    String(workflow.expression.getParameterValue(value as string, null, 0, 0, 'Credential Test', [], 'internal', { $credentials: data } as never, undefined, false, data));
  const headers: Record<string, string> = {};
  const auth = type.authenticate;
  if (auth && typeof auth === 'object' && auth.type === 'generic') {
    for (const [name, value] of Object.entries(auth.properties.headers ?? {})) headers[name] = resolve(value);
  }
  const url = resolve(request.baseURL ?? '') + resolve(request.url ?? '');
  const res = await fetch(url, { method: request.method ?? 'GET', headers });
  return { url, status: res.status, body: await res.text() };
}
