/**
 * A real n8n for end-to-end tests, driven through its CLI: this repo packed as a user gets it, installed into an
 * n8n user folder the way n8n's UI installs community packages (dev/peer/optional dependencies stripped,
 * `npm install --ignore-scripts`), workflows imported and executed with `n8n execute --id … --rawOutput`.
 * The n8n itself comes from scripts/n8nCache.mjs (cached under ~/.cache/leadflow, installed when missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';

const repo = join(__dirname, '..', '..');

export interface N8nInstall {
  major: number;
  version: string;
  node: string;
  bin: string;
}

export async function ensureN8n(major: 1 | 2): Promise<N8nInstall> {
  const { ensureN8n: ensure } = (await import(join(repo, 'scripts', 'n8nCache.mjs'))) as { ensureN8n: (m: number) => N8nInstall };
  return ensure(major);
}

/** Compile this repo into `dir/pkg` (icons, codex and workflows included) and `npm pack` it; returns the tarball. */
export function packRepo(dir: string): string {
  const pkg = join(dir, 'pkg');
  mkdirSync(pkg, { recursive: true });
  // tsc writes its output even when another face of the repo has a type error; the node files are checked below.
  spawnSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.json'), '--outDir', join(pkg, 'dist'), '--sourceMap', 'false', '--declaration', 'false'], { stdio: 'ignore' });
  for (const folder of ['nodes', 'credentials']) {
    cpSync(join(repo, folder), join(pkg, 'dist', folder), { recursive: true, filter: (src) => !src.endsWith('.ts') });
  }
  cpSync(join(repo, 'workflows'), join(pkg, 'workflows'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials, manifest.main]) {
    if (!existsSync(join(pkg, file))) throw new Error(`the build did not produce ${file}: run npx tsc -p tsconfig.json to see why`);
  }
  delete manifest.scripts;
  writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2));
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: pkg, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
  return join(dir, name);
}

/**
 * What n8n's Settings → Community Nodes does: the tarball's package.json loses its dev, peer and optional
 * dependencies, and it is installed with scripts off — so no native module is built.
 */
export function installLikeN8nUi(tarball: string, userFolder: string): string {
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  const unpacked = join(dirname(tarball), 'ui-install');
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  const manifestPath = join(unpacked, 'package', 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  delete manifest.devDependencies;
  delete manifest.peerDependencies;
  delete manifest.optionalDependencies;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  const stripped = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', unpacked], { cwd: join(unpacked, 'package'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
  mkdirSync(nodesDir, { recursive: true });
  writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
  execFileSync('npm', ['install', join(unpacked, stripped), '--ignore-scripts=true', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], { cwd: nodesDir, stdio: 'ignore' });
  return nodesDir;
}

export interface N8nRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment every n8n command of these tests runs with: its own user folder and key, nothing phoning home. */
export function n8nEnv(inst: N8nInstall, userFolder: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${dirname(inst.node)}:${process.env.PATH}`,
    N8N_USER_FOLDER: userFolder,
    N8N_ENCRYPTION_KEY: 'leadflow-e2e-key',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_EXPRESSION_ENGINE: 'legacy',
    N8N_RUNNERS_ENABLED: 'false',
    LEADFLOW_SQLITE_DRIVER: '',
    ...env,
  };
}

export function n8n(inst: N8nInstall, userFolder: string, args: string[], env: Record<string, string> = {}): N8nRun {
  const r = spawnSync(inst.node, [inst.bin, ...args], { encoding: 'utf8', timeout: 180_000, env: n8nEnv(inst, userFolder, env) });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Import every workflow JSON in `dir`; ids in the files are kept. */
export function importWorkflows(inst: N8nInstall, userFolder: string, dir: string, env: Record<string, string> = {}): N8nRun {
  return n8n(inst, userFolder, ['import:workflow', '--separate', `--input=${dir}`], env);
}

/** The run data `n8n execute --rawOutput` printed: the JSON object after the log lines. */
export function executeWorkflow(inst: N8nInstall, userFolder: string, id: string, env: Record<string, string> = {}) {
  const r = n8n(inst, userFolder, ['execute', `--id=${id}`, '--rawOutput'], env);
  const start = r.stdout.indexOf('\n{');
  let data: { data?: { resultData?: { runData?: Record<string, { data?: { main?: { json: Record<string, unknown> }[][] } }[]>; error?: { message: string; description?: string } } }; status?: string } | null = null;
  // The JSON is printed whole between log lines: from the first line that opens an object to the last that closes one.
  const end = r.stdout.lastIndexOf('\n}');
  if ((start >= 0 || r.stdout.startsWith('{')) && end > start) {
    try {
      data = JSON.parse(r.stdout.slice(start >= 0 ? start + 1 : 0, end + 2));
    } catch {
      data = null;
    }
  }
  const output = (node: string) => data?.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0]?.map((i) => i.json) ?? [];
  return { ...r, data, output };
}

export function workflowFiles(): string[] {
  return readdirSync(join(repo, 'workflows')).filter((f) => f.endsWith('.json'));
}

/**
 * The fix the README gives for n8n 1.x (`cd ~/.n8n/nodes && npm rebuild better-sqlite3`), run for real the first
 * time and its product cached (~/.cache/leadflow/better-sqlite3-<version>-abi<N>.node): compiling takes minutes on a
 * busy machine, and the same command on the same version and Node ABI yields the same binary.
 */
export function rebuildBetterSqlite3(nodesDir: string, inst: N8nInstall): 'rebuilt' | 'from cache' {
  const moduleDir = join(nodesDir, 'node_modules', 'better-sqlite3');
  const version = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8')).version as string;
  const abi = execFileSync(inst.node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
  const cacheRoot = process.env.LEADFLOW_CACHE ?? join(homedir(), '.cache', 'leadflow');
  const cached = join(cacheRoot, `better-sqlite3-${version}-abi${abi}.node`);
  const built = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(cached)) {
    mkdirSync(dirname(built), { recursive: true });
    cpSync(cached, built);
    return 'from cache';
  }
  execFileSync('npm', ['rebuild', 'better-sqlite3'], { cwd: nodesDir, stdio: 'ignore', env: { ...process.env, PATH: `${dirname(inst.node)}:${process.env.PATH}` } });
  cpSync(built, cached);
  return 'rebuilt';
}
