/**
 * Our nodes as n8n's editor shows them before anything runs, computed the way the editor computes it: the node's
 * parameters with their defaults filled in (NodeHelpers.getNodeParameters), and its subtitle or icon expression
 * evaluated over them by n8n-workflow's Expression (the canvas's getNodeSubtitle; the node icon's expression path).
 */
import type { INode, INodeParameters, INodeType, INodeTypes } from 'n8n-workflow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wf = require('n8n-workflow') as typeof import('n8n-workflow');

function editorNode(type: INodeType, parameters: INodeParameters): { node: INode; workflow: InstanceType<typeof wf.Workflow> } {
  const description = type.description;
  const filled = wf.NodeHelpers.getNodeParameters(description.properties, parameters, true, false, { typeVersion: 1 }, description) ?? {};
  const node: INode = { id: 'n', name: description.defaults.name ?? description.displayName, type: description.name, typeVersion: 1, position: [0, 0], parameters: filled };
  const nodeTypes: INodeTypes = { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) };
  return { node, workflow: new wf.Workflow({ id: 'w', name: 'w', active: false, nodes: [node], connections: {}, nodeTypes, settings: {} }) };
}

/** As the editor's canvas does (getNodeSubtitle): the subtitle expression over the node's parameters. */
export function subtitleOf(type: INodeType, parameters: INodeParameters): string {
  const { node, workflow } = editorNode(type, parameters);
  return String(workflow.expression.getSimpleParameterValue(node, type.description.subtitle, 'internal', {}));
}

/** As the editor's node icon does for an icon expression: the file the expression names for these parameters. */
export function iconOf(type: INodeType, parameters: INodeParameters, theme: 'light' | 'dark'): string {
  const icon = type.description.icon as { light: string; dark: string };
  const { node, workflow } = editorNode(type, parameters);
  return String(workflow.expression.getSimpleParameterValue(node, icon[theme], 'internal', { $parameter: node.parameters } as never));
}

/** Option values that are words only to us: seen in a subtitle, they mean an internal value leaked. */
const JARGON = new Set(['auto', 'offline', 'template', 'ai', 'import', 'csv', 'json', 'linkedin', 'email', 'save', 'variants']);

/** Every option value of the node that is not a word a user would read: camelCase, upper case, or our jargon. */
export function internalValues(type: INodeType): string[] {
  return type.description.properties
    .filter((p) => (p.type === 'options' || p.type === 'multiOptions') && p.name !== 'campaign' && p.name !== 'model')
    .flatMap((p) => (p.options ?? []).map((o) => (o as { value: unknown }).value))
    .filter((v): v is string => typeof v === 'string' && v !== '' && (/[^a-z]/.test(v) || JARGON.has(v)));
}

/** What is wrong with a subtitle of `type`, or [] when it reads as words: empty, unevaluated, or an internal value. */
export function subtitleProblems(type: INodeType, subtitle: string): string[] {
  const problems: string[] = [];
  if (subtitle.trim() === '') problems.push('it is empty');
  if (/undefined|null|NaN|\[object|\{\{|\}\}/.test(subtitle)) problems.push('it shows an unevaluated or missing value');
  for (const value of internalValues(type)) {
    if (new RegExp(`(^|[^\\w])${value}([^\\w]|$)`).test(subtitle)) problems.push(`it shows the internal value "${value}"`);
  }
  return problems;
}
