/**
 * The pipeline: generate → enrich → personalize → send (dry run), over the store, in batches.
 *
 * An offline run streams: each generated batch goes through enrich, personalize and the dry-run send while it is in
 * hand, in one transaction, and the stage loops then pick up whatever an earlier run or an import left in their
 * status. An AI run generates first and then runs each stage over the store (its stages wait on the model).
 *
 * Promises:
 * - each batch is one transaction, and the run's progress commits inside it, so the store never holds half a batch
 *   and the progress never claims work that did not land;
 * - a stop request (from this process or another: `requestStop`) is honoured between batches;
 * - a stopped or crashed run resumes where it left off (`resume: true`): generation continues the same seeded
 *   sequence after the last committed lead, and each later stage picks up its leads by status;
 * - before starting, runs and send claims left by dead processes are reaped (dry-run claims go back to the queue).
 */
import { LeadflowError } from '../errors';
import type { Channel, Industry, LeadInput, Variant } from '../types';
import type { Store } from '../store/store';
import { startRun, saveProgress, stopRequested, finishRun, reapCrashedRuns, latestResumable, type RunStatus } from '../store/runs';
import { ownerId } from '../store/owner';
import { countLeadsByStatus, type StageLead } from '../store/leads';
import { tallyNewLeads } from '../store/tallies';
import { movesAtEnd } from '../leads/leadMoves';
import { reapDeadClaims } from '../sending/ledger';
import { createLeadGenerator } from '../leads/generate/generate';
import { ingestLeads } from '../leads/ingest';
import { enrichNewLeads, enrichBatch } from '../enrich/stage';
import { personalizeEnriched, personalizeBatch } from '../personalize/stage';
import { countAwaitingDryRun, sendMessaged } from '../sending/stage';
import { recordDrySends, type SendLead } from '../sending/drain';
import { DEFAULT_BATCH_SIZE } from './control';
import { createGroqClient, type GroqClient } from '../llm/client';
import { resolveGroqSettings, type GroqRunSettings } from '../llm/settings';
import { enrichNewLeadsWithAi, type AiEnrichTally } from '../enrich/aiStage';
import { personalizeEnrichedWithAi, type AiPersonalizeTally } from '../personalize/aiStage';

export const STAGES = ['generate', 'enrich', 'personalize', 'send'] as const;
export type Stage = (typeof STAGES)[number];

/** WAL pages between automatic checkpoints while a run generates (SQLite's default is 1,000 pages of 4 KB). */
const BULK_CHECKPOINT_PAGES = 8_000;

export interface PipelineOptions {
  /** How many synthetic leads to generate first (0: work on what the store holds). */
  leads: number;
  seed: number;
  industries?: Industry[];
  countries?: string[];
  channels: Channel[];
  batchSize?: number;
  /** offline (rules, the default) or ai (Groq, falling back to the rules per lead). */
  enrichMode?: 'offline' | 'ai';
  /** template (the default) or ai (Groq, falling back to the template per channel). */
  personalizeMode?: 'template' | 'ai';
  /** Groq settings for AI mode, without the key: options are stored with the run so a resume can reuse them. */
  llm?: GroqRunSettings;
  /**
   * false: the run ends at MESSAGED and records no dry-run sends — a live run sends after it, and a dry run first
   * would show every lead SENT whatever the live sends then do. Default true.
   */
  drySend?: boolean;
  /**
   * Personalize only this campaign's leads (by name); otherwise every ENRICHED lead, each for its own campaign.
   * Generated leads join the built-in demo, so a campaign's run generates none (leads: 0).
   */
  campaign?: string;
}

export interface StageProgress {
  done: number;
  total: number;
}

export interface PipelineProgress {
  generate: StageProgress & { inserted: number; duplicates: number };
  enrich: StageProgress;
  personalize: StageProgress & { messages: number; failed: number };
  /** The dry-run send stage: `simulated` records, nothing sent (live sending is `sendReady`'s job). */
  send: StageProgress & { queued: number; simulated: number; skipped: number; failed: number };
}

export interface ProgressEvent {
  runId: number;
  stage: Stage;
  done: number;
  total: number;
  progress: PipelineProgress;
}

export interface PipelineResult {
  runId: number;
  status: Extract<RunStatus, 'DONE' | 'STOPPED'>;
  resumedFrom: number | null;
  progress: PipelineProgress;
  /** Wall time per stage in ms. */
  timings: Record<Stage, number>;
  recovered: { crashedRuns: number[]; requeuedSends: number; unknownSends: number };
  /** What AI mode did, for the stages that ran in it (deferred leads stay in their status for the next run). */
  ai?: { enrich?: AiEnrichTally; personalize?: AiPersonalizeTally };
}

export interface RunHooks {
  /** The run has its row in the store (called once, before any batch): from here on it can be followed and stopped. */
  onStart?: (runId: number) => void;
  onProgress?: (e: ProgressEvent) => void;
  /** Aborting stops the run at the next batch boundary, like `requestStop`. */
  signal?: AbortSignal;
  /** The Groq client for AI mode; when absent, one is made from `options.llm` and GROQ_API_KEY. */
  llm?: GroqClient;
}

/** What the stages of a streamed batch read of a lead: enrich and personalize a `StageLead`, the send a `SendLead`. */
type StreamedLead = StageLead & SendLead;

/** Built field by field: spreading the generated lead into a new object cost ~4 µs per lead. */
function streamedLead(lead: LeadInput, id: number, variant: Variant): StreamedLead {
  return {
    id,
    variant,
    email: lead.email,
    firstName: lead.firstName,
    lastName: lead.lastName,
    title: lead.title,
    company: lead.company,
    industry: lead.industry,
    website: lead.website,
    linkedinUrl: lead.linkedinUrl,
    synthetic: lead.synthetic,
  };
}

export class NothingToResumeError extends LeadflowError {
  constructor() {
    super('conflict', 'there is no stopped or crashed run to resume in this store; start one with `leadflow run`');
    this.name = 'NothingToResumeError';
  }
}

function emptyProgress(): PipelineProgress {
  return {
    generate: { done: 0, total: 0, inserted: 0, duplicates: 0 },
    enrich: { done: 0, total: 0 },
    personalize: { done: 0, total: 0, messages: 0, failed: 0 },
    send: { done: 0, total: 0, queued: 0, simulated: 0, skipped: 0, failed: 0 },
  };
}

/** Bring the store back to a consistent state after processes that died mid-work. */
export async function recoverFromCrashes(store: Store): Promise<PipelineResult['recovered']> {
  const crashedRuns = reapCrashedRuns(store);
  const { requeued, unknown } = await reapDeadClaims(store);
  return { crashedRuns, requeuedSends: requeued, unknownSends: unknown };
}

export async function runPipeline(store: Store, options: PipelineOptions, hooks: RunHooks = {}): Promise<PipelineResult> {
  return execute(store, options, emptyProgress(), null, hooks);
}

/** Resume the newest stopped or crashed run with the options it was started with. */
export async function resumePipeline(store: Store, hooks: RunHooks = {}): Promise<PipelineResult> {
  await recoverFromCrashes(store);
  const previous = latestResumable<PipelineOptions, PipelineProgress>(store);
  if (!previous) throw new NothingToResumeError();
  return execute(store, previous.options, previous.progress, previous.id, hooks);
}

async function execute(
  store: Store,
  options: PipelineOptions,
  progress: PipelineProgress,
  resumedFrom: number | null,
  hooks: RunHooks,
): Promise<PipelineResult> {
  const aiMode = options.enrichMode === 'ai' || options.personalizeMode === 'ai';
  // Before any run row exists: a missing key fails fast and leaves nothing to resume.
  const llm = aiMode ? (hooks.llm ?? createGroqClient(resolveGroqSettings(options.llm ?? {}), store)) : null;
  const ai: NonNullable<PipelineResult['ai']> = {};
  const recovered = await recoverFromCrashes(store);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const runId = startRun(store, options, progress, resumedFrom);
  hooks.onStart?.(runId);
  const worker = `${ownerId()}#run${runId}`;
  const timings: Record<Stage, number> = { generate: 0, enrich: 0, personalize: 0, send: 0 };

  let stopped = false;
  const shouldStop = () => {
    if (!stopped) stopped = hooks.signal?.aborted === true || stopRequested(store, runId);
    return stopped;
  };
  const emit = (stage: Stage) => {
    const p = progress[stage];
    hooks.onProgress?.({ runId, stage, done: p.done, total: p.total, progress });
  };
  const record = () => saveProgress(store, runId, progress);

  /**
   * One generated batch through enrich, personalize and the dry-run send, in its insert's transaction: each stage
   * does exactly what its own batch loop does (the same functions, the same status moves), on leads in hand instead
   * of leads read back by status. Nobody outside the transaction sees a lead between two stages, so the moves are
   * kept in hand and each lead's row is rewritten once, to where it ended (`movesAtEnd`). The batch lands whole,
   * NEW → SENT, or not at all.
   */
  const streamBatch = (batch: StreamedLead[], now: Date, lap: (stage: Stage) => void) => {
    const iso = now.toISOString();
    const moves = movesAtEnd(store, iso, batch.map((lead) => lead.id));
    const e = enrichBatch(store, batch, iso, moves);
    progress.enrich.done += e.enriched;
    lap('enrich');
    const p = personalizeBatch(store, batch, e.enrichments, { channels: options.channels }, iso, moves);
    progress.personalize.done += p.messaged + p.failedLeads;
    progress.personalize.messages += p.messages;
    progress.personalize.failed += p.failedLeads;
    lap('personalize');
    if (options.drySend === false) {
      moves.write();
      return;
    }
    const s = recordDrySends(store, p.sendable, { now, moves });
    moves.write();
    progress.send.done += p.messaged;
    progress.send.queued += s.claimed;
    progress.send.simulated += s.simulated;
    progress.send.skipped += s.skipped;
    progress.send.failed += s.failed;
  };

  try {
    // generate: continue the seeded sequence after the last committed lead. An offline run takes each generated
    // batch through every stage while it is in hand (`streamBatch`); an AI run, whose stages wait on the model,
    // generates first and lets the stages below pick the leads up by status.
    const streamed = options.enrichMode !== 'ai' && options.personalizeMode !== 'ai';
    const gen = progress.generate;
    gen.total = options.leads;
    if (gen.done < gen.total) {
      const generator = createLeadGenerator({ seed: options.seed, industries: options.industries, countries: options.countries });
      for (let i = 0; i < gen.done; i++) generator.next();
      const ahead = () => {
        // The later stages still have every lead not generated yet ahead of them.
        const later = options.drySend === false ? (['enrich', 'personalize'] as const) : (['enrich', 'personalize', 'send'] as const);
        if (streamed) for (const stage of later) progress[stage].total = progress[stage].done + gen.total - gen.done;
      };
      ahead();
      emit('generate');
      // A bulk load: let the WAL grow to ~32 MB between automatic checkpoints instead of SQLite's ~4 MB, so the index
      // pages every batch rewrites (email and domain, inserted in random order) are copied into the database file
      // once per checkpoint rather than once per batch. Restored when generation ends.
      const checkpointPages = Number(store.stmt('PRAGMA wal_autocheckpoint').get()?.wal_autocheckpoint ?? 1000);
      store.exec(`PRAGMA wal_autocheckpoint = ${Math.max(checkpointPages, BULK_CHECKPOINT_PAGES)}`);
      try {
        while (gen.done < gen.total && !shouldStop()) {
          let t = performance.now();
          const lap = (stage: Stage) => {
            const at = performance.now();
            timings[stage] += at - t;
            t = at;
          };
          const n = Math.min(batchSize, gen.total - gen.done);
          const leads = Array.from({ length: n }, () => generator.next());
          const now = new Date();
          store.tx(() => {
            // The batch writes only the leads it creates: their tallies are counted once, after it (tallyNewLeads).
            tallyNewLeads(store, () => {
              const r = ingestLeads(store, leads, now.toISOString());
              gen.done += n;
              gen.inserted += r.inserted.length;
              gen.duplicates += r.skipped.length;
              lap('generate');
              if (streamed) streamBatch(r.inserted.map(({ index, id, variant }) => streamedLead(leads[index], id, variant)), now, lap);
            });
            ahead();
            record();
          });
          lap(streamed ? 'send' : 'generate');
          for (const stage of streamed ? STAGES : (['generate'] as const)) emit(stage);
          // The batch loop is synchronous: without a turn of the event loop between batches a Ctrl-C (the CLI's
          // AbortSignal) would only be seen when the whole run is over.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } finally {
        store.exec(`PRAGMA wal_autocheckpoint = ${checkpointPages}`);
      }
    }

    // enrich / personalize / send: each picks up the leads left in its status — all of them in an AI run, and in
    // an offline one those a stopped run or an import left behind — so a resumed run simply continues.
    let t = performance.now();
    if (!stopped) {
      const base = progress.enrich.done;
      progress.enrich.total = base + (countLeadsByStatus(store).NEW ?? 0);
      emit('enrich');
      const control = {
        batchSize,
        shouldStop,
        inBatch: (tally: { enriched: number }) => {
          progress.enrich.done = base + tally.enriched;
          record();
        },
        onBatch: () => emit('enrich'),
      };
      if (llm && options.enrichMode === 'ai') ai.enrich = await enrichNewLeadsWithAi(store, llm, control);
      else enrichNewLeads(store, control);
    }
    timings.enrich += performance.now() - t;

    t = performance.now();
    if (!stopped) {
      const base = { done: progress.personalize.done, messages: progress.personalize.messages, failed: progress.personalize.failed };
      progress.personalize.total = base.done + (countLeadsByStatus(store).ENRICHED ?? 0);
      emit('personalize');
      const control = {
        batchSize,
        shouldStop,
        inBatch: (tally: { messaged: number; failedLeads: number; messages: number }) => {
          progress.personalize.done = base.done + tally.messaged + tally.failedLeads;
          progress.personalize.messages = base.messages + tally.messages;
          progress.personalize.failed = base.failed + tally.failedLeads;
          record();
        },
        onBatch: () => emit('personalize'),
      };
      if (llm && options.personalizeMode === 'ai') ai.personalize = await personalizeEnrichedWithAi(store, llm, { channels: options.channels, campaign: options.campaign }, control);
      else personalizeEnriched(store, { channels: options.channels, campaign: options.campaign }, control);
    }
    timings.personalize += performance.now() - t;

    t = performance.now();
    if (!stopped && options.drySend !== false) {
      const s = progress.send;
      const base = { done: s.done, queued: s.queued, simulated: s.simulated, skipped: s.skipped, failed: s.failed };
      s.total = base.done + countAwaitingDryRun(store);
      emit('send');
      await sendMessaged(store, { channels: options.channels, worker }, {
        batchSize,
        shouldStop,
        inBatch: (tally) => {
          s.done = base.done + tally.leads;
          s.queued = base.queued + tally.queued;
          s.simulated = base.simulated + tally.simulated;
          s.skipped = base.skipped + tally.skipped;
          s.failed = base.failed + tally.failed;
          record();
        },
        onBatch: () => emit('send'),
      });
    }
    timings.send += performance.now() - t;

    const status = stopped ? 'STOPPED' : 'DONE';
    store.tx(() => {
      record();
      finishRun(store, runId, status);
    });
    return { runId, status, resumedFrom, progress, timings, recovered, ...(aiMode ? { ai } : {}) };
  } catch (err) {
    finishRun(store, runId, 'FAILED', (err as Error).message);
    throw err;
  }
}
