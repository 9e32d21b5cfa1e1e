/**
 * n8n benchmark: N leads (default 10,000) through the bundled pipeline workflow inside a real n8n 1.123.50 (the
 * cached install, this package installed as n8n's UI installs it, run with `n8n execute`), against the same job
 * through the lib alone (`runPipeline`: generate → enrich offline → personalize email → dry-run send) — in one run.
 *
 * n8n's figure is reported three ways: the whole `n8n execute` (process boot, DB migrations, node loading included),
 * the same minus a 1-lead run's time (what the N leads cost), and the sum of the workflow nodes' own execution times
 * as n8n records them. The lib runs in its own child process (this Node, like n8n 1.x's: Node 20), on a fresh store.
 * Usage: npm run bench:n8n [-- 10000]
 */
import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getMetrics, openStore, runPipeline } from '../lib';
import { ensureN8n, importWorkflows, installLikeN8nUi, packRepo, rebuildBetterSqlite3, type N8nInstall } from '../test/support/n8nCli';

const WORKFLOW = JSON.parse(readFileSync(join(__dirname, '..', 'workflows', 'pipeline.json'), 'utf8')) as {
  id: string;
  name: string;
  nodes: { name: string; type: string; parameters: Record<string, unknown> }[];
};

/** The bundled pipeline with its Generate Leads count set to `n`, under its own id. */
function pipelineWorkflow(n: number, id: string) {
  const nodes = WORKFLOW.nodes.map((node) => (node.type.endsWith('.generateLeads') ? { ...node, parameters: { ...node.parameters, count: n } } : node));
  return { ...WORKFLOW, id, name: `${WORKFLOW.name} (${n} leads)`, nodes };
}

interface N8nMeasurement {
  /** The whole `n8n execute` process. */
  wallSeconds: number;
  /** The execution as n8n recorded it (startedAt → stoppedAt): the workflow run, without process boot. */
  executionSeconds: number;
  /** Each node's own executionTime, from the saved run data. */
  perNode: Record<string, number>;
  sent: number;
}

/**
 * `n8n execute`, timed from outside; then n8n's own record of the run, read from its database: the execution's start
 * and stop, and each node's executionTime from the saved run data (flatted, parsed with n8n's own flatted). The
 * printed output is not used: for 10,000 items it is tens of MB, and n8n exits before a pipe has taken it all.
 */
async function executeN8n(inst: N8nInstall, userFolder: string, id: string, storePath: string): Promise<N8nMeasurement> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(inst.node, [inst.bin, 'execute', `--id=${id}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        PATH: `${dirname(inst.node)}:${process.env.PATH}`,
        N8N_USER_FOLDER: userFolder,
        N8N_ENCRYPTION_KEY: 'leadflow-e2e-key', // the key importWorkflows (test/support/n8nCli.ts) set up the folder with
        N8N_EXPRESSION_ENGINE: 'legacy',
        N8N_DIAGNOSTICS_ENABLED: 'false',
        N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
        N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
        N8N_RUNNERS_ENABLED: 'false',
        LEADFLOW_SQLITE_DRIVER: '',
        LEADFLOW_DB: storePath,
      },
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`n8n execute ${id} exited ${c}:\n${err}`))));
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const n8nModules = dirname(dirname(dirname(inst.bin)));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const flatted = require(join(n8nModules, 'flatted')) as { parse(text: string): unknown };
  const db = new Database(join(userFolder, '.n8n', 'database.sqlite'), { readonly: true });
  const row = db
    .prepare(
      `SELECT e.status, e.startedAt, e.stoppedAt, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id
       WHERE e.workflowId = ? ORDER BY e.id DESC LIMIT 1`,
    )
    .get(id) as { status: string; startedAt: string; stoppedAt: string; data: string } | undefined;
  db.close();
  if (row?.status !== 'success') throw new Error(`n8n recorded execution of ${id} as ${row?.status ?? 'missing'}`);
  const asDate = (t: string) => Date.parse(t.replace(' ', 'T') + 'Z');
  const run = flatted.parse(row.data) as { resultData: { runData: Record<string, { executionTime: number }[]> } };
  const perNode = Object.fromEntries(Object.entries(run.resultData.runData).map(([name, tasks]) => [name, tasks[0].executionTime / 1000]));
  const store = openStore(storePath);
  const sent = (await getMetrics(store)).simulated.leads;
  store.close();
  return { wallSeconds, executionSeconds: (asDate(row.stoppedAt) - asDate(row.startedAt)) / 1000, perNode, sent };
}

/** The same job through lib alone, in a child process (this file with --lib), on a fresh store. */
function measureLib(n: number, storePath: string): { seconds: number; sent: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--lib', String(n), storePath], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lib run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function libChild(n: number, storePath: string): Promise<void> {
  const store = openStore(storePath);
  const t0 = performance.now();
  const r = await runPipeline(store, { leads: n, seed: 42, channels: ['email'] });
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  process.stdout.write(JSON.stringify({ seconds, sent: r.progress.send.simulated }) + '\n');
}

async function main(): Promise<void> {
  const n = Number(process.argv[2]) > 0 ? Number(process.argv[2]) : 10_000;
  const inst = await ensureN8n(1);
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-n8n-bench-'));
  try {
    console.log(`n8n ${inst.version} on ${inst.node}; bench node ${process.version}; ${n.toLocaleString('en')} leads`);
    const nodesDir = installLikeN8nUi(packRepo(dir), dir);
    rebuildBetterSqlite3(nodesDir, inst);
    const workflows = join(dir, 'workflows');
    mkdirSync(workflows);
    writeFileSync(join(workflows, 'one.json'), JSON.stringify(pipelineWorkflow(1, 'benchPipelineOne')));
    writeFileSync(join(workflows, 'n.json'), JSON.stringify(pipelineWorkflow(n, 'benchPipelineN')));
    const imported = importWorkflows(inst, dir, workflows);
    if (imported.code !== 0) throw new Error(`import failed:\n${imported.stderr}`);

    // The 1-lead run is n8n's fixed cost (boot, migrations, loading nodes); the faster of two, as the first is cold.
    const ones = [];
    for (const k of [1, 2]) ones.push(await executeN8n(inst, dir, 'benchPipelineOne', join(dir, `one${k}.db`)));
    const one = ones.reduce((a, b) => (a.wallSeconds <= b.wallSeconds ? a : b));
    console.log(`n8n, 1 lead (boot + one run): ${ones.map((o) => o.wallSeconds.toFixed(1)).join(' s, ')} s`);
    const big = await executeN8n(inst, dir, 'benchPipelineN', join(dir, 'n.db'));
    if (big.sent !== n) throw new Error(`n8n dry-ran ${big.sent} of ${n} leads`);
    const nodeSeconds = Object.values(big.perNode).reduce((a, b) => a + b, 0);
    console.log(`n8n, ${n} leads: ${big.wallSeconds.toFixed(1)} s wall, execution ${big.executionSeconds.toFixed(1)} s, nodes`, big.perNode);
    const lib = measureLib(n, join(dir, 'lib.db'));
    if (lib.sent !== n) throw new Error(`lib dry-ran ${lib.sent} of ${n}`);
    console.log(`lib runPipeline, ${n} leads: ${lib.seconds.toFixed(1)} s`);

    const result = {
      n,
      n8n: inst.version,
      node: process.version,
      libSeconds: lib.seconds,
      n8nExecutionSeconds: big.executionSeconds,
      n8nNodeSeconds: nodeSeconds,
      n8nPerNodeSeconds: big.perNode,
      n8nWallSeconds: big.wallSeconds,
      n8nOneLeadWallSeconds: one.wallSeconds,
      ratioExecution: big.executionSeconds / lib.seconds,
      ratioWall: big.wallSeconds / lib.seconds,
    };
    const s = (x: number) => `${x.toFixed(1)} s`;
    const r = (x: number) => `${x.toFixed(2)}×`;
    console.log('\n| N | lib `runPipeline` | n8n execution (recorded) | of which node time | execution / lib | `n8n execute` wall | wall / lib | `n8n execute`, 1 lead |');
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(
      `| ${n.toLocaleString('en')} | ${s(lib.seconds)} | ${s(big.executionSeconds)} | ${s(nodeSeconds)} | **${r(result.ratioExecution)}** | ${s(big.wallSeconds)} | ${r(result.ratioWall)} | ${s(one.wallSeconds)} |`,
    );
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', `n8n-${Date.now()}.json`), JSON.stringify(result, null, 2));
  } finally {
    if (process.env.LEADFLOW_BENCH_KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--lib') void libChild(Number(process.argv[3]), process.argv[4]);
else void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
