/**
 * `getMetrics`: one snapshot of the store that every face shows the same way — counts by status, the funnel with
 * stage conversions, messages by channel and variant, the ledger by state, and a health summary that says what
 * needs a person's attention.
 */
import { CHANNELS, LEAD_STATUSES, VARIANTS, type LeadStatus } from '../types';
import type { Db } from '../store/db';
import { sumTallies, talliesOf } from '../store/tallies';
import { ledgerCounts, SEND_STATES } from '../sending/ledger';
import { countSuppressions } from '../store/suppressions';
import { latestRunOf } from '../store/runs';
import { llmUsage, type LlmUsage } from '../llm/usage';
import { abTestReport, type AbTestReport } from './abTest';
import { campaignIn, loadCampaigns } from '../campaigns/campaigns';

export interface FunnelStep {
  stage: 'generated' | 'enriched' | 'messaged' | 'sent' | 'replied';
  leads: number;
  /** Percent of the previous step that reached this one (100 for the first). */
  conversionPct: number;
}

export interface Metrics {
  generatedAt: string;
  leads: { total: number; byStatus: Record<LeadStatus, number>; synthetic: number };
  funnel: FunnelStep[];
  messages: {
    total: number;
    byChannel: Record<string, number>;
    byVariant: Record<string, number>;
    byChannelVariant: Record<string, number>;
  };
  /**
   * The ledger: `byState` and `byChannel` count live sends (SENT: mail that left); the dry run's records are counted
   * apart (`dryRun`, `dryRunByState`) and never as sent.
   */
  sends: {
    total: number;
    byState: Record<string, number>;
    byChannel: Record<string, number>;
    dryRun: number;
    dryRunByState: Record<string, number>;
    live: number;
  };
  /** What dry runs recorded: leads and messages that would have gone, and did not. Its own figure, beside the funnel. */
  simulated: { leads: number; sends: number };
  /** Per variant: its leads, those a live email reached (`sent`), those only a dry run recorded for, and replies. */
  variants: { variant: string; leads: number; sent: number; simulated: number; replied: number }[];
  /** Reply rates of A and B with confidence intervals and a significance test (see abTest.ts). */
  abTest: AbTestReport;
  suppressions: number;
  lastRun: { id: number; status: string; startedAt: string; finishedAt: string | null } | null;
  health: { status: 'ok' | 'attention'; notes: string[] };
  /** AI mode: requests, tokens and the calls the enrichment cache saved. */
  llm: LlmUsage;
  /** The campaign these figures are of, when one was asked for (otherwise the whole store). */
  campaign: { id: number; name: string; state: string; product: string } | null;
}

export interface MetricsOptions {
  /** Only this campaign's leads, messages and sends (by name). */
  campaign?: string;
}

/** The `dry_run` part of a ledger tally's key. */
const LIVE = 0;
const DRY_RUN = 1;

function pct(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

/** The metrics of a store on either database (PostgreSQL's counts come from its rows: lib/store/tallies.ts). */
export async function getMetrics(db: Db, o: MetricsOptions = {}): Promise<Metrics> {
  const campaign = o.campaign === undefined ? undefined : campaignIn(await loadCampaigns(db), o.campaign);
  const campaignId = campaign?.id;
  // Every count is a tally (lib/store/tallies.ts): on SQLite a few rows whatever the store's size, kept exact by triggers.
  const t = await talliesOf(db, campaignId);
  const byStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, sumTallies(t, 'lead', s)])) as Record<LeadStatus, number>;
  const total = sumTallies(t, 'lead');

  const reached = {
    generated: total,
    enriched: sumTallies(t, 'enriched'),
    messaged: sumTallies(t, 'messaged'),
    // Mail that left: a dry run's record reached nobody and is counted apart (`simulated`).
    sent: sumTallies(t, 'sentLead', LIVE),
    replied: byStatus.REPLIED,
  };
  const order = ['generated', 'enriched', 'messaged', 'sent', 'replied'] as const;
  const funnel = order.map((stage, i) => ({
    stage,
    leads: reached[stage],
    conversionPct: i === 0 ? 100 : pct(reached[stage], reached[order[i - 1]]),
  }));

  const messages = { total: 0, byChannel: {} as Record<string, number>, byVariant: {} as Record<string, number>, byChannelVariant: {} as Record<string, number> };
  for (const channel of CHANNELS) {
    for (const variant of VARIANTS) {
      const n = sumTallies(t, 'message', channel, variant);
      if (n === 0) continue;
      messages.total += n;
      messages.byChannel[channel] = (messages.byChannel[channel] ?? 0) + n;
      messages.byVariant[variant] = (messages.byVariant[variant] ?? 0) + n;
      messages.byChannelVariant[`${channel}/${variant}`] = n;
    }
  }

  const ledger = ledgerCounts(t);
  const byState = Object.fromEntries(SEND_STATES.map((s) => [s, ledger.byState[s] ?? 0]));
  const dryRunByState = Object.fromEntries(SEND_STATES.map((s) => [s, ledger.dryRunByState[s] ?? 0]));
  const byChannel: Record<string, number> = {};
  for (const channel of CHANNELS) {
    const n = sumTallies(t, 'send', 'SENT', LIVE, channel);
    if (n) byChannel[channel] = n;
  }
  const simulated = { leads: sumTallies(t, 'sentLead', DRY_RUN), sends: dryRunByState.SENT };

  const variants = VARIANTS.filter((v) => sumTallies(t, 'lead', undefined, v) > 0).map((variant) => ({
    variant,
    leads: sumTallies(t, 'lead', undefined, variant),
    sent: sumTallies(t, 'sentLead', LIVE, variant),
    simulated: sumTallies(t, 'sentLead', DRY_RUN, variant),
    replied: sumTallies(t, 'lead', 'REPLIED', variant),
  }));

  const run = await latestRunOf(db);
  const notes: string[] = [];
  if (byState.UNKNOWN) notes.push(`${byState.UNKNOWN} send(s) UNKNOWN: a process stopped mid-send; review before retrying`);
  if (byState.FAILED) notes.push(`${byState.FAILED} send(s) FAILED`);
  if (byStatus.FAILED) notes.push(`${byStatus.FAILED} lead(s) FAILED (see their status reason)`);
  if (run && (run.status === 'CRASHED' || run.status === 'FAILED')) notes.push(`the last run (#${run.id}) ${run.status.toLowerCase()}: resume it with \`leadflow run --resume\``);
  if (run && run.status === 'STOPPED') notes.push(`the last run (#${run.id}) was stopped: resume it with \`leadflow run --resume\``);

  return {
    generatedAt: new Date().toISOString(),
    leads: { total, byStatus, synthetic: sumTallies(t, 'lead', undefined, undefined, 1) },
    funnel,
    messages,
    sends: { total: ledger.dryRun + ledger.live, byState, byChannel, dryRun: ledger.dryRun, dryRunByState, live: ledger.live },
    simulated,
    variants,
    abTest: await abTestReport(db, { campaignId, tallies: t }),
    suppressions: await countSuppressions(db),
    lastRun: run ? { id: run.id, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt } : null,
    health: { status: notes.length ? 'attention' : 'ok', notes },
    llm: await llmUsage(db),
    campaign: campaign ? { id: campaign.id, name: campaign.name, state: campaign.state, product: campaign.spec.offer.product } : null,
  };
}
