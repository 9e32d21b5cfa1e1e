// A real n8n for the end-to-end tests, kept in a cache folder outside the repo (~/.cache/leadflow, or $LEADFLOW_CACHE),
// one folder per version (n8n-<version>), installed once with its own package.json and reused. Recipes:
// ../shared/N8N-NOTES.md.
//   n8n 1.123.50 on this Node 20 (override xlsx: its tarball host is unreachable), ~5–12 min, ~1.7 GB.
//   n8n 2.41.1 on the cached Node 24 (scripts/node24.mjs), --ignore-scripts then only sqlite3 rebuilt, ~4 min, 2.7 GB.
//   (2.41.3, the registry's latest, does not resolve: it pins @n8n/agents 0.26.2 and @n8n/ai-node-sdk 0.31.2, which
//   the registry does not have.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureNode24 } from './node24.mjs';

export const N8N_VERSIONS = { 1: '1.123.50', 2: '2.41.1' };

const cacheRoot = () => process.env.LEADFLOW_CACHE ?? join(homedir(), '.cache', 'leadflow');

/**
 * Where n8n `major` lives, which node binary runs it and its bin script; `ready` says whether it is installed. Each
 * version has its own folder, so moving to another version never removes an installed one; the first installs lived
 * in n8n-<major> and are used from there while that folder holds the version asked for.
 */
export function n8nInstall(major) {
  const version = N8N_VERSIONS[major];
  const legacy = join(cacheRoot(), `n8n-${major}`);
  const dir = existsSync(join(legacy, `.installed-${version}`)) ? legacy : join(cacheRoot(), `n8n-${version}`);
  const node = major === 2 ? ensureNode24() : process.execPath;
  const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
  // The marker is written only after a complete install, so a killed install is redone rather than trusted.
  const marker = join(dir, `.installed-${version}`);
  return { major, version, dir, node, bin, ready: existsSync(marker) && existsSync(bin), marker };
}

/** Installs n8n `major` into its cache folder if it is not there yet; returns n8nInstall(major). */
export function ensureN8n(major, log = (m) => console.log(m)) {
  const inst = n8nInstall(major);
  if (inst.ready) return inst;
  mkdirSync(inst.dir, { recursive: true });
  rmSync(join(inst.dir, 'node_modules'), { recursive: true, force: true });
  const pkg = {
    name: `leadflow-n8n-${major}`,
    private: true,
    dependencies: { n8n: inst.version },
    overrides: { xlsx: '0.18.5' },
  };
  writeFileSync(join(inst.dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  log(`# installing n8n@${inst.version} into ${inst.dir} (once; several minutes)`);
  const env = { ...process.env };
  const npmArgs = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  if (major === 2) {
    // Node 24 first on PATH so npm's scripts and node-gyp build for it, with its own headers (no download).
    const nodeDir = dirname(dirname(inst.node));
    env.PATH = `${dirname(inst.node)}:${env.PATH}`;
    env.npm_config_nodedir = nodeDir;
    execFileSync('npm', [...npmArgs, '--ignore-scripts'], { cwd: inst.dir, stdio: 'inherit', env });
    execFileSync('npm', ['rebuild', 'sqlite3', '--foreground-scripts'], { cwd: inst.dir, stdio: 'inherit', env });
  } else {
    execFileSync('npm', npmArgs, { cwd: inst.dir, stdio: 'inherit', env });
  }
  writeFileSync(inst.marker, new Date().toISOString() + '\n');
  return n8nInstall(major);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const majors = process.argv.slice(2).map(Number);
  for (const m of majors.length ? majors : [1, 2]) console.log(ensureN8n(m).bin);
}
