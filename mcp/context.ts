/** What every tool handler gets: the one store of this server, the environment it reads settings from, and the
 * background runner its pipeline runs go through (the lib's, as for the status page; closed when the server ends). */
import type { Store } from '../lib/store/store';
import type { BackgroundRunner } from '../lib/pipeline/backgroundRunner';

export interface ToolContext {
  store: Store;
  /** Where SMTP_*, GROQ_API_KEY and friends are read from: process.env, unless a test passes its own. */
  env: NodeJS.ProcessEnv;
  runner: BackgroundRunner;
}
