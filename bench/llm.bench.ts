/**
 * AI-mode benchmark: N leads from C companies through enrich → personalize (both AI) → send (dry run), against the
 * local Groq stand-in (test/support/groqServer.ts) answering after a fixed latency, through the real groq-sdk,
 * under an RPM budget. Reported from the server's side: requests received, the most in any budget window, the
 * requests over budget, the share of the budget used while the run was busy, and the calls the cache saved.
 *
 * Share of budget used = requests / (RPM x (last arrival - first arrival + window) / window): the budget the run
 * could have spent between its first request and the end of the window holding its last.
 *
 * Usage: npm run bench:llm [-- --leads 1000 --companies 40 --rpm 30 --latency-ms 300 --window-ms 60000]
 * --window-ms shortens the budget window (a compressed clock, for trying the bench quickly); the figures in
 * bench/README.md use the real 60 s window.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../lib/store/store';
import { ingestLeads } from '../lib/leads/ingest';
import { runPipeline } from '../lib/pipeline/pipeline';
import { createGroqClient } from '../lib/llm/client';
import { llmUsage } from '../lib/llm/usage';
import { startGroqServer } from '../test/support/groqServer';
import { leadsFromCompanies } from '../test/support/groqLeads';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000' },
    companies: { type: 'string', default: '40' },
    rpm: { type: 'string', default: '30' },
    tpm: { type: 'string', default: '1000000' },
    'latency-ms': { type: 'string', default: '300' },
    'window-ms': { type: 'string', default: '60000' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string', default: '7' },
  },
});
const n = Number(values.leads);
const companies = Number(values.companies);
const rpm = Number(values.rpm);
const tpm = Number(values.tpm);
const latencyMs = Number(values['latency-ms']);
const windowMs = Number(values['window-ms']);
const concurrency = Number(values.concurrency);

function overBudget(times: number[]): number {
  let over = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    if (i - j + 1 > rpm) over++;
  }
  return over;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-llm-bench-'));
  const server = await startGroqServer({ latencyMs });
  const store = openStore(join(dir, 'bench.db'));
  try {
    const leads = leadsFromCompanies(n, companies, Number(values.seed));
    store.tx(() => ingestLeads(store, leads, new Date().toISOString()));
    const llm = createGroqClient({ apiKey: 'bench-key', baseURL: server.baseURL, rpm, tpm, windowMs, concurrency, maxWaitMs: windowMs + 5_000 }, store);
    const started = Date.now();
    const ticker = setInterval(() => {
      const got = server.chatRequests().length;
      process.stderr.write(`${((Date.now() - started) / 1000).toFixed(0)} s: ${got} request(s), most in a window ${server.maxInAnyWindow(windowMs)}\n`);
    }, 30_000);
    const result = await runPipeline(
      store,
      { leads: 0, seed: 0, channels: ['email', 'linkedin'], enrichMode: 'ai', personalizeMode: 'ai', batchSize: 250 },
      { llm },
    );
    clearInterval(ticker);
    const seconds = (Date.now() - started) / 1000;
    const times = server.chatRequests().map((r) => r.at).sort((a, b) => a - b);
    const busyMs = times[times.length - 1] - times[0] + windowMs;
    const usage = await llmUsage(store);
    const report = {
      when: new Date().toISOString(),
      node: process.version,
      driver: store.driver,
      leads: n,
      companies,
      rpm,
      tpm,
      windowMs,
      latencyMs,
      concurrency,
      seconds: Math.round(seconds * 10) / 10,
      requests: times.length,
      enrichRequests: usage.byPurpose.enrich?.requests ?? 0,
      personalizeRequests: usage.byPurpose.personalize?.requests ?? 0,
      mostInAnyWindow: server.maxInAnyWindow(windowMs),
      requestsOverBudget: overBudget(times),
      shareOfBudgetUsedPct: Math.round((times.length / ((rpm * busyMs) / windowMs)) * 1000) / 10,
      callsSavedByCache: usage.callsSavedByCache,
      tokens: usage.promptTokens + usage.completionTokens,
      tokensPerMinute: Math.round(((usage.promptTokens + usage.completionTokens) / busyMs) * 60_000),
      enrich: result.ai?.enrich,
      personalize: result.ai?.personalize,
      funnel: result.progress,
    };
    const outDir = join(__dirname, 'results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `llm-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(JSON.stringify(report, null, 2) + `\nwritten to ${file}\n`);
  } finally {
    store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exitCode = 1;
});
