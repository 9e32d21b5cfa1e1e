/** Run the real `leadflow` CLI in a child process, the way a user does (through tsx, on this Node binary). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'bin', 'leadflow.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function leadflow(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function leadflowAsync(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { output: () => CliResult } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }) });
}

/**
 * Run the CLI and wait for it without blocking this process's event loop — needed whenever the child talks to a
 * server living in this process (spawnSync would freeze that server and deadlock).
 */
export async function leadflowAwait(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = leadflowAsync(args, env);
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return child.output();
}
