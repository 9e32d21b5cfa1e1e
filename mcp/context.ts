/** What every tool handler gets: the one store of this server, the environment it reads settings from, and the
 * pipeline runs it started (so it can stop them when it shuts down). */
import type { Store } from '../lib/store/store';
import type { PipelineProcesses } from './pipelineProcess';

export interface ToolContext {
  store: Store;
  /** Where SMTP_*, GROQ_API_KEY and friends are read from: process.env, unless a test passes its own. */
  env: NodeJS.ProcessEnv;
  pipelines: PipelineProcesses;
}
