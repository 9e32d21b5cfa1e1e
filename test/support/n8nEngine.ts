/**
 * Runs our nodes through n8n's real execution engine (n8n-core's WorkflowExecute over n8n-workflow's Workflow), with
 * no n8n server: a start node feeds the given items to the node under test, and the run's output items come back.
 * Recipe and pitfalls: ../shared/N8N-NOTES.md. n8n-core writes `.n8n/config` under N8N_USER_FOLDER, so that is
 * pointed at a temp folder before n8n-core loads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodeExecutionData, INodeParameters,
  INodePropertyOptions, INodeType, INodeTypes, IRun, IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

if (!process.env.N8N_USER_FOLDER) {
  const folder = mkdtempSync(join(tmpdir(), 'leadflow-n8n-engine-'));
  process.env.N8N_USER_FOLDER = folder;
  // The folder lives as long as this test process; leave no litter in /tmp behind it.
  process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
}
process.env.N8N_ENCRYPTION_KEY ??= 'leadflow-test-key';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require('n8n-core') as typeof import('n8n-core');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wf = require('n8n-workflow') as typeof import('n8n-workflow');

/** Emits the items it was given, as a trigger or a previous node would. */
class FeedItems implements INodeType {
  description = {
    displayName: 'Feed Items', name: 'feedItems', group: ['input'], version: 1, description: 'test input',
    defaults: { name: 'Feed Items' }, inputs: [], outputs: ['main'],
    properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
  } as unknown as INodeType['description'];
  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = JSON.parse(this.getNodeParameter('items', 0) as string) as IDataObject[];
    return [items.map((json) => ({ json }))];
  }
}

export interface NodeRun {
  /** Output items of the node under test, normalised through JSON (n8n leaves `input: undefined` in pairedItem). */
  items: INodeExecutionData[];
  /** The run's error message, when the node failed. */
  error?: string;
  run: IRun;
}

export async function runNode(
  node: INodeType,
  o: { parameters?: INodeParameters; input?: IDataObject[]; continueOnFail?: boolean; credentials?: Record<string, ICredentialDataDecryptedObject> } = {},
): Promise<NodeRun> {
  const nodeTypes = nodeTypesOf(node);
  const feed = { id: 'feed', name: 'Feed', type: 'test.feedItems', typeVersion: 1, position: [0, 0] as [number, number], parameters: { items: JSON.stringify(o.input ?? [{}]) } };
  const under = {
    id: 'under', name: 'Under Test', type: 'test.' + node.description.name, typeVersion: 1, position: [200, 0] as [number, number],
    parameters: o.parameters ?? {}, ...(o.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
    credentials: credentialRefs(o.credentials),
  };
  const workflow = new wf.Workflow({
    id: 'test', name: 'test', active: false, nodeTypes, settings: {},
    nodes: [feed, under], connections: { Feed: { main: [[{ node: 'Under Test', type: 'main', index: 0 }]] } },
  });
  const additionalData = additionalDataFor(workflow, o.credentials);
  const data = wf.createRunExecutionData({
    executionData: { nodeExecutionStack: [{ node: feed, data: { main: [[{ json: {} }]] }, source: null }] },
  });
  const run = await new core.WorkflowExecute(additionalData, 'manual', data).processRunExecutionData(workflow);
  unrefEngineTimers();
  const task = run.data.resultData.runData['Under Test']?.[0];
  const error = run.data.resultData.error?.message;
  return { items: JSON.parse(JSON.stringify(task?.data?.main?.[0] ?? [])), error, run };
}

/**
 * A node's loadOptions method called as the n8n editor calls it (the backend's dynamic node parameters service): the
 * node alone in a workflow with the parameters the editor holds, `additionalData.currentNodeParameters` set to them,
 * and `this` a real n8n-core LoadOptionsContext for the parameter at `path`.
 */
export async function loadOptions(
  node: INodeType,
  method: string,
  o: { parameters?: INodeParameters; path?: string; credentials?: Record<string, ICredentialDataDecryptedObject> } = {},
): Promise<INodePropertyOptions[]> {
  const loader = node.methods?.loadOptions?.[method];
  if (!loader) throw new Error(`${node.description.name} has no loadOptions method ${method}`);
  const parameters = o.parameters ?? {};
  const temp = {
    id: 'temp', name: 'Temp-Node', type: 'test.' + node.description.name, typeVersion: 1, position: [0, 0] as [number, number], parameters,
    credentials: credentialRefs(o.credentials),
  };
  const workflow = new wf.Workflow({ id: 'test', name: 'test', active: false, nodeTypes: nodeTypesOf(node), settings: {}, nodes: [temp], connections: {} });
  const additionalData = additionalDataFor(workflow, o.credentials);
  additionalData.currentNodeParameters = parameters;
  const context = new core.LoadOptionsContext(workflow, workflow.getNode('Temp-Node')!, additionalData, o.path ?? 'parameters.campaign');
  return loader.call(context as unknown as ILoadOptionsFunctions);
}

/** The node's references to its credentials (by type), as a saved workflow holds them; the data comes from additionalData. */
function credentialRefs(credentials: Record<string, ICredentialDataDecryptedObject> = {}) {
  return Object.fromEntries(Object.keys(credentials).map((name) => [name, { id: name, name }]));
}

function nodeTypesOf(node: INodeType): INodeTypes {
  const types: Record<string, INodeType> = { 'test.feedItems': new FeedItems(), ['test.' + node.description.name]: node };
  return {
    getByName: (name) => types[name],
    getByNameAndVersion: (name) => {
      if (!types[name]) throw new Error(`unknown node type ${name}`);
      return types[name];
    },
    getKnownTypes: () => ({}),
  };
}

function additionalDataFor(workflow: InstanceType<typeof wf.Workflow>, credentials?: Record<string, ICredentialDataDecryptedObject>): IWorkflowExecuteAdditionalData {
  const hooks = new core.ExecutionLifecycleHooks('manual', 'test-execution', workflow as never);
  return {
    hooks, executionId: 'test-execution', currentNodeExecutionIndex: 0, variables: {}, restApiUrl: '', instanceBaseUrl: '',
    formWaitingBaseUrl: '', webhookBaseUrl: '', webhookWaitingBaseUrl: '', webhookTestBaseUrl: '',
    credentialsHelper: { getDecrypted: async (_a: unknown, c: { name: string }) => credentials?.[c.name] ?? {} },
    executeWorkflow: async () => { throw new Error('not in tests'); },
    getRunExecutionData: async () => undefined,
    logAiEvent: () => {},
    startRunnerTask: async () => { throw new Error('not in tests'); },
  } as unknown as IWorkflowExecuteAdditionalData;
}

/** n8n-core's SSH client manager starts a 60 s interval that would keep the test process alive. */
function unrefEngineTimers(): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Container } = require('@n8n/di');
    (Container.get(SSHClientsManager) as { cleanupTimer?: NodeJS.Timeout }).cleanupTimer?.unref();
  } catch {
    // a later n8n-core without that manager has no timer to unref
  }
}
