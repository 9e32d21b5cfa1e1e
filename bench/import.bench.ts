/**
 * Import benchmark: peak RSS and rows/s of `leadflow import` on generated CSV files, streamed (importCsvFile: two
 * passes, 2,000-row transactions) against the whole-file path it replaced (readFileSync → parseCsv → importRows in
 * one transaction), which is still composable from lib and is run here as "whole file".
 *
 * The files are written by the seeded lead generator, one row in 200 with a bad email (a real file has some), in
 * the column names a CRM export uses. Each measurement runs in its own child process on a fresh store file, so
 * peak RSS (`process.resourceUsage().maxRSS`) is that measurement's alone; "start-up" is a child that loads the
 * same modules and only opens a store: the floor under both.
 * Usage: npm run bench:import [-- 50000 400000]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../lib/store/store';
import { importCsvFile, importRows } from '../lib/leads/importLeads';
import { parseCsv } from '../lib/leads/csv';

type Kind = 'startup' | 'whole' | 'streamed';

interface Measurement {
  kind: Kind;
  n: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  inserted: number;
  rejected: number;
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const HEADER = ['Email', 'First Name', 'Last Name', 'Job Title', 'Company', 'Website', 'LinkedIn', 'Industry', 'Country'];

async function writeCsv(path: string, n: number): Promise<void> {
  // Loaded here, in the parent only: Faker alone would add tens of MB to every child's peak RSS.
  const { createLeadGenerator } = await import('../lib/leads/generate/generate.ts');
  const { stringify } = await import('csv-stringify/sync');
  const out = createWriteStream(path);
  const gen = createLeadGenerator({ seed: 7 });
  out.write(stringify([HEADER]));
  const CHUNK = 5_000;
  for (let done = 0; done < n; done += CHUNK) {
    const rows: string[][] = [];
    for (let i = done; i < Math.min(n, done + CHUNK); i++) {
      const l = gen.next();
      const email = i % 200 === 199 ? `${l.firstName}.${l.lastName}` : l.email;
      rows.push([email, l.firstName, l.lastName, l.title, l.company, l.website, l.linkedinUrl, l.industry, l.country]);
    }
    if (!out.write(stringify(rows))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function child(kind: Kind, n: number, csv: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-bench-'));
  try {
    const store = openStore(join(dir, 'b.db'));
    const t0 = performance.now();
    const report =
      kind === 'startup'
        ? { inserted: 0, rejected: [] }
        : kind === 'whole'
          ? await importRows(store, parseCsv(readFileSync(csv, 'utf8')), { source: 'csv:bench.csv' })
          : await importCsvFile(store, csv);
    const seconds = (performance.now() - t0) / 1000;
    store.close();
    const m: Measurement = {
      kind,
      n,
      seconds,
      rowsPerSecond: kind === 'startup' ? 0 : Math.round(n / seconds),
      peakRssMb: peakRssMb(),
      inserted: report.inserted,
      rejected: report.rejected.length,
    };
    process.stdout.write(JSON.stringify(m) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(kind: Kind, n: number, csv: string): Measurement {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', kind, String(n), csv], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${kind} ${n} failed:\n${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as Measurement;
  if (kind !== 'startup' && m.inserted + m.rejected !== n) throw new Error(`${kind} ${n}: ${m.inserted} inserted + ${m.rejected} rejected`);
  return m;
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const ns = sizes.length ? sizes : [50_000, 400_000];
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-bench-csv-'));
  const results: Measurement[] = [];
  const rows: string[] = [];
  try {
    console.log(`node ${process.version}, ${process.arch}; sizes ${ns.join(', ')}`);
    const startup = measure('startup', 0, '');
    results.push(startup);
    console.log(`start-up (tsx, lib, an open store): peak RSS ${startup.peakRssMb} MB`);
    for (const n of ns) {
      const csv = join(dir, `leads-${n}.csv`);
      await writeCsv(csv, n);
      const mb = statSync(csv).size / 1e6;
      // Alternate, so both paths see the same drift of this shared machine.
      const whole = measure('whole', n, csv);
      const streamed = measure('streamed', n, csv);
      results.push(whole, streamed);
      const line =
        `| ${n.toLocaleString('en')} | ${mb.toFixed(0)} MB | ${whole.peakRssMb} | ${whole.rowsPerSecond.toLocaleString('en')} | ` +
        `${streamed.peakRssMb} | ${streamed.rowsPerSecond.toLocaleString('en')} | ${streamed.seconds.toFixed(1)} s |`;
      rows.push(line);
      console.log(line);
      rmSync(csv);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\n| rows | file | whole file: peak RSS MB | whole file: rows/s | streamed: peak RSS MB | streamed: rows/s | streamed total |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', `import-${Date.now()}.json`), JSON.stringify(results, null, 2));
}

if (process.argv[2] === '--child') {
  void child(process.argv[3] as Kind, Number(process.argv[4]), process.argv[5]);
} else {
  void main();
}
