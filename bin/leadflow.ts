#!/usr/bin/env node
/**
 * `leadflow`: the same jobs as the n8n nodes, from a terminal. A thin shell: it parses flags, opens the store, calls
 * one lib function and prints the result — for people (bars, a funnel) or, with --json, one document for scripts.
 * Exit codes: 0 done, 1 the job failed, 2 the command line (or the input it names) was wrong.
 */
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option, CommanderError } from 'commander';
import { LeadflowError, errorMessage } from '../lib/errors';
import type { Store } from '../lib/store/store';
import { requestStop } from '../lib/store/runs';
import { hasImportedLeads, leadByEmailOn, leadOn, listLeadsOf } from '../lib/store/leads';
import { getMetrics } from '../lib/metrics/metrics';
import { runPipeline, resumePipeline, type PipelineResult } from '../lib/pipeline/pipeline';
import { campaignIn, loadCampaigns } from '../lib/campaigns/campaigns';
import { previewEmail } from '../lib/sending/preview';
import { CHANNELS, LEAD_STATUSES, type Channel, type Industry, type LeadStatus } from '../lib/types';
import { wholeNumber, integer, channelList, industryList, leadStatus, oneOf } from './cli/args';
import { progressView } from './cli/progress';
import { formatFunnel } from './cli/funnel';
import { addAiOptions, aiSettingsFrom, type AiFlags } from './cli/aiFlags';
import { createGroqClient } from '../lib/llm/client';
import { llmUsage } from '../lib/llm/usage';
import { registerEraseCommand } from './cli/eraseCommand';
import { registerImportCommand } from './cli/importCommand';
import { registerSendCommands, describeRun, noteHeldCampaign } from './cli/sendCommand';
import { registerCampaignCommands } from './cli/campaignCommand';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { registerVerifyCommand } from './cli/verifyCommand';
import { registerInboxCommand } from './cli/inboxCommand';
import { registerDoctorCommand } from './cli/doctorCommand';
import { openExistingDb, openExistingStore, openOrCreateStore } from './cli/commandStore';
import { inQueueMode, queueModeProblem } from '../lib/sending/queueMode';
import { closeDb, isPostgresLocation } from '../lib/store/openDb';
import { defaultStorePath } from '../lib/store/location';

/**
 * A reader that goes away (`leadflow export | head -1`) is not a failure: the rest of the output has nowhere to go,
 * so the command stops there and exits 0, quietly. (`cat` or `git` would die of SIGPIPE; Node ignores that signal and
 * reports EPIPE as an error event, which unhandled is a stack trace.) Any other output error is still thrown.
 */
for (const out of [process.stdout, process.stderr]) {
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const program = new Command('leadflow')
  .description('Find, enrich, write to and contact B2B leads — dry run by default, on one SQLite file.')
  .option('--db <path|url>', 'the store: a SQLite file, or a postgres:// URL shared by n8n queue-mode workers (not for `run`, `stop`, `doctor --store`, `mcp`) (default: $LEADFLOW_DB, else ~/.leadflow/leadflow.db)')
  .showHelpAfterError('(run `leadflow --help` for usage)')
  // A subcommand run as its own program reports its exit code here; everything else is thrown to main().
  .exitOverride((err) => {
    if (err.code === 'commander.executeSubCommandAsync') process.exitCode = err.exitCode;
    else throw err;
  })
  // The status page and the MCP server are adapters of their own: launched as programs, never imported, so the CLI
  // shares nothing with them but lib. --db reaches them through the environment.
  .hook('preSubcommand', (cmd) => {
    const db = cmd.opts().db as string | undefined;
    if (db) process.env.LEADFLOW_DB = isPostgresLocation(db) ? db : resolve(db);
    // In n8n's queue mode every worker has its own SQLite file: say so before anything runs (a live send refuses).
    const location = defaultStorePath();
    if (inQueueMode() && !isPostgresLocation(location)) process.stderr.write(`leadflow: warning: ${queueModeProblem(location)}.\n`);
  });

program.command('serve', 'serve the status page and its JSON API (127.0.0.1; changes need LEADFLOW_TOKEN)', {
  executableFile: join('..', 'status', 'main'),
});
program.command('mcp', 'serve the pipeline as MCP tools for AI agents (stdio, or Streamable HTTP with --http)', {
  executableFile: join('..', 'mcp', 'main'),
});

/** For `run` and `import`, which bring leads in: creates the store when there is none (see cli/commandStore.ts). */
function store(): Store {
  return openOrCreateStore(program);
}

/** For every command that works on what a store already holds: no store at the path is an error. */
function existingStore(): Store {
  return openExistingStore(program);
}

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

addAiOptions(program
  .command('run'))
  .description('run the pipeline: generate → enrich → personalize → send (dry run), with progress and a funnel')
  .option('--leads <n>', 'synthetic leads to generate first (default 200; 0 when the store holds imported leads; never with --live)', wholeNumber(0, 10_000_000), 200)
  .option('--seed <s>', 'generator seed: the same seed gives the same leads', integer, 42)
  .option('--channels <list>', `channels to write and send on (${CHANNELS.join(',')})`, channelList, ['email', 'linkedin'] as Channel[])
  .option('--industries <list>', 'restrict generated leads to these industries', industryList)
  .option('--batch-size <n>', 'leads per transaction', wholeNumber(1, 100_000), 1000)
  .option('--resume', 'resume the last stopped or crashed run with its own options')
  .option('--live', 'send real email instead of the dry run, as `leadflow send --live --tick` (synthetic leads never are)')
  .option('--campaign <name>', "write and send for this campaign's leads only (generates none; its leads come from `leadflow import --campaign`)")
  .option('--json', 'print one JSON document (metrics + run) instead of progress and a funnel')
  .action(async (o: AiFlags & { leads: number; seed: number; channels: Channel[]; industries?: Industry[]; batchSize: number; resume?: boolean; live?: boolean; campaign?: string; json?: boolean }, cmd: Command) => {
    // Synthetic leads are never mailed: a live run sends to what the store holds and generates none.
    const leadsAsked = cmd.getOptionValueSource('leads') === 'cli';
    if (o.live && leadsAsked && o.leads > 0) {
      throw new LeadflowError(
        'input',
        '--live sends to the leads in the store and generates none (generated leads are synthetic and never mailed): import real prospects with `leadflow import`, then run --live without --leads',
      );
    }
    // Generated leads join the built-in demo: a campaign's run works on the leads that joined it.
    if (o.campaign !== undefined && leadsAsked && o.leads > 0) {
      throw new LeadflowError('input', `--campaign works on the campaign's own leads and generates none: add them with \`leadflow import FILE --campaign ${o.campaign}\`, then run without --leads`);
    }
    // Fails fast (before the store is opened) when AI mode has no key, or live sending has no settings.
    const ai = aiSettingsFrom(o);
    const liveConfig = o.live ? sendingConfigFromEnv(process.env, { live: true }) : null;
    const s = store();
    if (o.campaign !== undefined) await noteHeldCampaign(s, o.campaign); // an unknown name stops here, before any run starts
    if (o.live || o.campaign !== undefined) o.leads = 0;
    else if (!leadsAsked && !o.resume && hasImportedLeads(s)) {
      // A store of real prospects gets no synthetic ones unless asked for them by number.
      o.leads = 0;
      process.stderr.write('the store holds imported leads: no synthetic leads were added (pass --leads N to add them anyway)\n');
    }
    const view = progressView(process.stderr, !!o.json);
    const abort = new AbortController();
    const onSignal = () => {
      process.stderr.write('\nstopping after the current batch… (press Ctrl-C again to force)\n');
      abort.abort();
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    let result: PipelineResult;
    try {
      const hooks = { onProgress: view.update, signal: abort.signal, llm: ai ? createGroqClient(ai.settings, s) : undefined };
      // A live run records no dry run first: the leads' statuses and the funnel then say what the live sends did. A
      // campaign's run sends through sendReady too (dry run or live), which sends that campaign's leads and no others.
      const modes = {
        enrichMode: o.enrich, personalizeMode: o.personalize, llm: ai?.stored,
        ...(liveConfig || o.campaign !== undefined ? { drySend: false } : {}),
        ...(o.campaign !== undefined ? { campaign: o.campaign } : {}),
      };
      result = o.resume
        ? await resumePipeline(s, hooks)
        : await runPipeline(s, { leads: o.leads, seed: o.seed, channels: o.channels, industries: o.industries, batchSize: o.batchSize, ...modes }, hooks);
    } finally {
      view.stop();
      process.off('SIGINT', onSignal);
    }
    const liveSend = liveConfig && result.status === 'DONE' ? await sendReady(s, { channels: ['email'], campaign: o.campaign }, liveConfig) : undefined;
    const campaignSend =
      !liveConfig && o.campaign !== undefined && result.status === 'DONE'
        ? await sendReady(s, { channels: o.channels, campaign: o.campaign }, sendingConfigFromEnv(process.env, { live: false }))
        : undefined;
    const metrics = await getMetrics(s, { campaign: o.campaign });
    const usage = result.ai ? await llmUsage(s) : undefined;
    if (o.json) {
      printJson({ ...metrics, run: result, ...(usage ? { llm: usage } : {}), ...(liveSend ? { liveSend } : {}), ...(campaignSend ? { send: campaignSend } : {}) });
    } else {
      const p = result.progress;
      const secs = Object.values(result.timings).reduce((a, b) => a + b, 0) / 1000;
      process.stdout.write(
        `\nRun #${result.runId} ${result.status === 'DONE' ? 'finished' : 'stopped'} in ${secs.toFixed(1)} s` +
          (result.resumedFrom ? ` (resumed run #${result.resumedFrom})` : '') +
          `: ${p.generate.inserted} new lead(s)` +
          (p.generate.duplicates ? `, ${p.generate.duplicates} already in the store` : '') +
          `, ${p.enrich.done} enriched, ${p.personalize.done} personalized` +
          (liveConfig ? '; live sending follows.\n' : campaignSend ? '; the dry run follows.\n' : `, ${p.send.simulated} send(s) simulated — dry run, nothing was sent.\n`),
      );
      if (result.status === 'STOPPED') process.stdout.write(`Resume it with \`leadflow run --resume${o.campaign !== undefined ? ` --campaign ${o.campaign}` : ''}\`.\n`);
      if (usage) {
        const e = result.ai?.enrich;
        const p = result.ai?.personalize;
        process.stdout.write(
          `AI mode: ${usage.requests} Groq request(s), ${usage.promptTokens + usage.completionTokens} token(s), ` +
            `${usage.callsSavedByCache} call(s) saved by the cache` +
            (e ? `; enrich: ${e.byModel} by model, ${e.fromCache} from cache, ${e.fellBack} fell back to rules, ${e.deferred} deferred` : '') +
            (p ? `; personalize: ${p.byModel} message(s) by model, ${p.fellBack} by template fallback, ${p.deferred} deferred` : '') +
            '.\n',
        );
      }
      if (liveSend ?? campaignSend) process.stdout.write(describeRun((liveSend ?? campaignSend)!, false) + '\n');
      process.stdout.write('\n' + formatFunnel(metrics, s.path) + '\n');
    }
    s.close();
  });

program
  .command('metrics')
  .description('show the funnel, the ledger and what needs attention')
  .option('--campaign <name>', "only this campaign's leads, messages and sends (its funnel and A/B test)")
  .option('--json', 'print the metrics as JSON')
  .action(async (o: { campaign?: string; json?: boolean }) => {
    const s = await openExistingDb(program);
    try {
      const m = await getMetrics(s, { campaign: o.campaign });
      if (o.json) printJson(m);
      else process.stdout.write(formatFunnel(m, s.location) + '\n');
    } finally {
      await closeDb(s);
    }
  });

program
  .command('leads')
  .description('list leads')
  .option('--status <s>', `only leads in this status (${LEAD_STATUSES.join(', ')})`, leadStatus)
  .option('--search <words>', 'only leads with words starting with these in their name, email, company or title (all of them; case and accents ignored)')
  .option('--limit <n>', 'how many', wholeNumber(1, 10_000), 20)
  .option('--offset <n>', 'skip this many', wholeNumber(0), 0)
  .option('--after <id>', 'only leads after this id: the next page after one ending with this lead (as fast at any depth)', wholeNumber(0))
  .option('--json', 'print JSON')
  .action(async (o: { status?: LeadStatus; search?: string; limit: number; offset: number; after?: number; json?: boolean }) => {
    const s = await openExistingDb(program);
    const page = await listLeadsOf(s, { status: o.status, search: o.search, limit: o.limit, offset: o.offset, afterId: o.after }).finally(() => closeDb(s));
    if (o.json) printJson(page);
    else {
      for (const l of page.leads) {
        process.stdout.write(`${String(l.id).padStart(7)}  ${l.status.padEnd(10)} ${l.variant}  ${l.email.padEnd(42)} ${l.title}, ${l.company}\n`);
      }
      const last = page.leads.at(-1);
      process.stdout.write(
        `${page.leads.length} of ${page.total}${page.totalIsLowerBound ? '+' : ''} lead(s)` + (page.hasMore && last ? `; next page: --after ${last.id}` : '') + '\n',
      );
    }
  });

program
  .command('export')
  .description('export leads as CSV or JSON Lines (streamed)')
  .option('--status <s>', 'only leads in this status', leadStatus)
  .option('--campaign <name>', "only this campaign's leads")
  .addOption(new Option('--format <f>', 'csv or json (JSON Lines)').argParser(oneOf(['csv', 'json'] as const)).default('csv'))
  .option('--out <file>', 'write to this file instead of standard output')
  .action(async (o: { status?: LeadStatus; campaign?: string; format: 'csv' | 'json'; out?: string }) => {
    const { exportLeads } = await import('../lib/leads/exportLeads.js'); // the CSV writer is the export's alone
    const s = await openExistingDb(program);
    try {
      // An unknown campaign is an input error naming the campaigns there are, before any file is created.
      const campaignId = o.campaign === undefined ? undefined : campaignIn(await loadCampaigns(s), o.campaign).id;
      const sink = o.out ? createWriteStream(o.out) : process.stdout;
      const n = await exportLeads(s, sink, { status: o.status, format: o.format, campaignId });
      if (o.out) {
        await new Promise<void>((resolve, reject) => sink.end((err?: Error | null) => (err ? reject(err) : resolve())));
        process.stderr.write(`exported ${n} lead(s) to ${o.out}\n`);
      }
    } finally {
      await closeDb(s);
    }
  });

program
  .command('stop')
  .description('ask running pipelines (in any process) to stop after their current batch')
  .action(() => {
    const s = existingStore();
    const n = requestStop(s);
    process.stdout.write(n ? `asked ${n} running pipeline(s) to stop\n` : 'no pipeline is running\n');
    s.close();
  });

program
  .command('preview <lead>')
  .description("print a lead's email exactly as it goes on the wire (by id or email)")
  .option('--out <file>', 'write it to an .eml file instead')
  .action(async (ref: string, o: { out?: string }) => {
    const s = await openExistingDb(program);
    try {
      const lead = /^\d+$/.test(ref) ? await leadOn(s, Number(ref)) : await leadByEmailOn(s, ref);
      if (!lead) throw new LeadflowError('input', `no lead "${ref}" in ${s.location}: pass a lead id or email (see \`leadflow leads\`)`);
      const p = await previewEmail(s, lead.id);
      if (o.out) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(o.out, p.mime);
        process.stderr.write(`wrote ${o.out} (${p.basis === 'ledger' ? 'as recorded in the ledger' : 'draft, not sent yet'})\n`);
      } else process.stdout.write(p.mime.toString('utf8'));
    } finally {
      await closeDb(s);
    }
  });

registerImportCommand(program);
registerCampaignCommands(program);
registerEraseCommand(program);
registerSendCommands(program);
registerVerifyCommand(program);
registerInboxCommand(program);
registerDoctorCommand(program, existingStore);


async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    // A command may set process.exitCode for a result that is not an exception (e.g. `doctor` finding errors).
    return Number(process.exitCode ?? 0) || 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    // The one place the CLI maps lib's errors (lib/errors.ts): input exits 2 like a wrong flag, every other kind 1.
    // Their messages say what to do; anything else is a bug, so its stack comes too.
    if (err instanceof LeadflowError) {
      process.stderr.write(`leadflow: ${err.message}\n`);
      return err.kind === 'input' ? 2 : 1;
    }
    process.stderr.write(`leadflow: internal error: ${errorMessage(err)}\n${err instanceof Error ? err.stack : ''}\n`);
    return 1;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
