// `npm run n8n`: a local n8n 1.123.50 (cached, installed once) with this package and the bundled workflows loaded,
// editor on http://localhost:5678. The package is linked into the n8n user folder's nodes/ (as n8n installs
// community packages, so workflow node types read n8n-nodes-leadflow.<name>); `npm run build` first if dist/ is missing.
// The user folder is ~/.cache/leadflow/n8n-editor, so your own ~/.n8n is left alone; the store is the shared default.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ensureN8n } from './n8nCache.mjs';

const repo = resolve(dirname(new URL(import.meta.url).pathname), '..');
if (!existsSync(join(repo, 'dist', 'nodes'))) execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });

const inst = ensureN8n(1);
const userFolder = join(process.env.LEADFLOW_CACHE ?? join(homedir(), '.cache', 'leadflow'), 'n8n-editor');
const nodesDir = join(userFolder, '.n8n', 'nodes');
mkdirSync(join(nodesDir, 'node_modules'), { recursive: true });
writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-leadflow': `file:${repo}` } }));
const link = join(nodesDir, 'node_modules', 'n8n-nodes-leadflow');
rmSync(link, { force: true, recursive: true });
symlinkSync(repo, link, 'dir');

const env = {
  ...process.env,
  N8N_USER_FOLDER: userFolder,
  N8N_DIAGNOSTICS_ENABLED: 'false',
  N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
  N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
  N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true',
  N8N_SECURE_COOKIE: 'false',
};
execFileSync(inst.node, [inst.bin, 'import:workflow', '--separate', `--input=${join(repo, 'workflows')}`], { env, stdio: 'inherit' });
console.log('\n# n8n editor: http://localhost:5678 (Ctrl-C to stop)\n');
const child = spawn(inst.node, [inst.bin, 'start'], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
