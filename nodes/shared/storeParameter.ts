/**
 * The store file as a node parameter. Left empty it means lib's default store (`$LEADFLOW_DB`, else
 * `~/.leadflow/leadflow.db` of the n8n process), so n8n, the CLI, the MCP server and the status page share one file.
 * It is resolved at run time, not baked into the workflow, so an exported workflow follows the machine it runs on.
 */
import type { INodeProperties } from 'n8n-workflow';
import { defaultStorePath } from '../../lib';

export const storePathProperty: INodeProperties = {
  displayName: 'Store File',
  name: 'storePath',
  type: 'string',
  default: '',
  placeholder: defaultStorePath(),
  description:
    'Path of the leadflow SQLite store. Leave empty for the shared default ($LEADFLOW_DB, else ~/.leadflow/leadflow.db), which the leadflow CLI, MCP server and status page also use.',
};

export function resolveStorePath(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : defaultStorePath();
}
