/**
 * CLI memory benchmark: the peak RSS of `leadflow run --leads N`, the real CLI as a user runs it, each run in its own
 * process on a fresh store — for this tree and, side by side, for baseline commits.
 *
 * "As a user runs it": the package's bin compiled, `node dist/bin/leadflow.js` (what `npx leadflow` runs once the
 * package is installed). Each tree is compiled into a temporary folder beside a link to this repo's node_modules, so
 * neither the shared dist/ nor the working tree is touched; this tree is the working tree as it is, and a baseline
 * (`--baseline REF`, repeatable) is `git archive REF` compiled the same way. `--via tsx` runs bin/leadflow.ts through
 * tsx instead, as `npm run demo` does.
 *
 * Peak RSS is GNU time's "Maximum resident set size" (`/usr/bin/time -v`, the figure issue 18 was reported with;
 * without GNU time, the child's own `process.resourceUsage().maxRSS`, reported at exit). The store (3.7 GB at 1M) is
 * deleted after each run. The builds take turns, --reps times each: the peak moves from run to run with where V8's
 * collections happen to fall, by up to ~30 MB.
 *
 * Usage: npm run bench:cli-memory [-- --leads 200000,1000000] [--reps 3] [--baseline REF]… [--via dist|tsx]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..');
const GNU_TIME = '/usr/bin/time';
/** A 1M-lead store is ~3.7 GB: ask for 4.5 KB per lead free before a run. */
const DISK_PER_LEAD = 4_500;

interface Options {
  leads: number[];
  reps: number;
  baselines: string[];
  via: 'dist' | 'tsx';
}

interface Build {
  name: string;
  /** The tree's root: where tsx runs bin/leadflow.ts from, and where its node_modules link is. */
  root: string;
  /** The command line that runs the CLI (before `run --leads N --db …`). */
  cli: string[];
}

interface Measurement {
  build: string;
  via: Options['via'];
  n: number;
  peakRssMb: number;
  rssSource: 'GNU time' | 'maxRSS';
  wallSeconds: number;
  /** The run's own time, as the CLI reports it ("Run #1 finished in 19.5 s"). */
  runSeconds: number | null;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { leads: [1_000_000], reps: 1, baselines: [], via: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--leads') o.leads = value.split(',').map(Number);
    else if (flag === '--reps') o.reps = Number(value);
    else if (flag === '--baseline') o.baselines.push(value);
    else if (flag === '--via') o.via = value as Options['via'];
    else throw new Error(`unknown argument ${flag}: see the usage at the top of bench/cliMemory.bench.ts`);
    i++;
  }
  if (!o.leads.every((n) => Number.isInteger(n) && n > 0) || !(o.reps >= 1) || !['dist', 'tsx'].includes(o.via)) {
    throw new Error('--leads takes whole numbers (comma-separated), --reps a count, --via dist or tsx');
  }
  return o;
}

function sh(cmd: string, args: string[], cwd = REPO): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A tree to build: this one (compiled from where it is) or a commit, archived into `into`. */
function prepare(name: string, into: string, via: Options['via'], ref?: string): Build {
  const root = ref ? into : REPO;
  if (ref || via === 'dist') {
    // A compiled tree or an archived one finds its packages (and tsx) the way an installed package does: upwards.
    mkdirSync(into, { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(into, 'node_modules'), 'dir');
  }
  if (ref) sh('sh', ['-c', `git archive ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(into)}`]);
  if (via === 'tsx') return { name, root, cli: [process.execPath, '--import', 'tsx', join(root, 'bin', 'leadflow.ts')] };
  const outDir = join(into, 'dist');
  sh(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', outDir]);
  return { name, root, cli: [process.execPath, join(outDir, 'bin', 'leadflow.js')] };
}

function assertRoomFor(n: number): void {
  const fs = statfsSync(tmpdir());
  const free = fs.bavail * fs.bsize;
  if (free < n * DISK_PER_LEAD) {
    throw new Error(`a ${n.toLocaleString('en')}-lead store needs ~${Math.ceil((n * DISK_PER_LEAD) / 1e9)} GB in ${tmpdir()}; ${(free / 1e9).toFixed(1)} GB are free`);
  }
}

function measure(build: Build, n: number, via: Options['via']): Measurement {
  assertRoomFor(n);
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-cli-memory-'));
  try {
    const args = [...build.cli, 'run', '--leads', String(n), '--db', join(dir, 'leadflow.db')];
    const gnuTime = existsSync(GNU_TIME);
    const report = join(dir, 'maxrss');
    if (!gnuTime) {
      writeFileSync(join(dir, 'maxrss.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS)));\n`);
      args.splice(1, 0, '--require', join(dir, 'maxrss.cjs'));
    }
    const t0 = performance.now();
    const r = spawnSync(gnuTime ? GNU_TIME : args[0], gnuTime ? ['-v', ...args] : args.slice(1), {
      cwd: build.root,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${build.name}: leadflow run --leads ${n} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
    const kb = gnuTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) : Number(readFileSync(report, 'utf8'));
    const run = /finished in ([\d.]+) s/.exec(r.stdout);
    return {
      build: build.name,
      via,
      n,
      peakRssMb: Math.round(kb / 1024),
      rssSource: gnuTime ? 'GNU time' : 'maxRSS',
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      runSeconds: run ? Number(run[1]) : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : Math.round(((s[mid - 1] + s[mid]) / 2) * 10) / 10;
}

function main(): void {
  const o = parseOptions(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'leadflow-cli-builds-'));
  const results: Measurement[] = [];
  try {
    const builds: Build[] = [];
    for (const [i, ref] of o.baselines.entries()) {
      const commit = sh('git', ['rev-parse', '--short', ref]).trim();
      builds.push(prepare(commit === ref ? commit : `${ref} (${commit})`, join(work, `baseline${i}`), o.via, ref));
    }
    builds.push(prepare('this tree', join(work, 'current'), o.via));
    console.log(`node ${process.version}; leadflow run via ${o.via}; builds: ${builds.map((b) => b.name).join(', ')}; ${o.reps} run(s) each, taking turns`);
    for (const n of o.leads) {
      for (let rep = 0; rep < o.reps; rep++) {
        for (const build of builds) {
          const m = measure(build, n, o.via);
          results.push(m);
          console.log(`  ${build.name}, ${n.toLocaleString('en')} leads: peak RSS ${m.peakRssMb} MB (${m.rssSource}), ${m.wallSeconds} s`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // The highest peak is the figure to hold against a limit; the others show how far a run's peak moves.
  console.log(`\n| build | leads | peak RSS MB, each run | highest | run time s (median) |\n|---|---|---|---|---|`);
  for (const n of o.leads) {
    for (const name of [...new Set(results.map((m) => m.build))]) {
      const runs = results.filter((m) => m.n === n && m.build === name);
      const times = runs.map((m) => m.runSeconds ?? m.wallSeconds);
      console.log(`| ${name} | ${n.toLocaleString('en')} | ${runs.map((m) => m.peakRssMb).join(', ')} | **${Math.max(...runs.map((m) => m.peakRssMb))}** | ${median(times)} |`);
    }
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', `cli-memory-${Date.now()}.json`), JSON.stringify(results, null, 2));
}

main();
