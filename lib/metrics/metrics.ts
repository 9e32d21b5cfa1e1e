/**
 * `getMetrics`: one snapshot of the store that every face shows the same way — counts by status, the funnel with
 * stage conversions, messages by channel and variant, the ledger by state, and a health summary that says what
 * needs a person's attention.
 */
import { CHANNELS, LEAD_STATUSES, VARIANTS, type LeadStatus } from '../types';
import type { Store } from '../store/store';
import { int, intOrNull, oneOf } from '../store/rowMapper';
import { countLeadsByStatus } from '../store/leads';
import { countSendsByState, SEND_STATES } from '../sending/ledger';
import { countSuppressions } from '../store/suppressions';
import { latestRun } from '../store/runs';
import { llmUsage, type LlmUsage } from '../llm/usage';
import { abTestReport, type AbTestReport } from './abTest';
import { getCampaign } from '../campaigns/campaigns';

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

const channelOf = oneOf(CHANNELS);
const variantOf = oneOf(VARIANTS);

function pct(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

export function getMetrics(store: Store, o: MetricsOptions = {}): Metrics {
  const campaign = o.campaign === undefined ? undefined : getCampaign(store, o.campaign);
  const campaignId = campaign?.id;
  // One campaign's figures: every table read through its leads. `AND`/`WHERE` forms of the same filter.
  const ofLeads = campaignId === undefined ? '' : 'lead_id IN (SELECT id FROM leads WHERE campaign_id = ?)';
  const and = ofLeads && `AND ${ofLeads}`;
  const where = ofLeads && `WHERE ${ofLeads}`;
  const params = campaignId === undefined ? [] : [campaignId];
  const counted = countLeadsByStatus(store, campaignId);
  const byStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, counted[s] ?? 0])) as Record<LeadStatus, number>;
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const one = (sql: string, times = 1) => int(store.rows(sql).get(...Array<number[]>(times).fill(params).flat())![0], 'count');

  const reached = {
    generated: total,
    enriched: one(`SELECT count(*) AS n FROM enrichments ${where}`),
    messaged: one(`SELECT count(DISTINCT lead_id) AS n FROM messages ${where}`),
    // Mail that left: a dry run's record reached nobody and is counted apart (`simulated`).
    sent: one(`SELECT count(DISTINCT lead_id) AS n FROM sends WHERE state = 'SENT' AND dry_run = 0 ${and}`),
    replied: byStatus.REPLIED,
  };
  const order = ['generated', 'enriched', 'messaged', 'sent', 'replied'] as const;
  const funnel = order.map((stage, i) => ({
    stage,
    leads: reached[stage],
    conversionPct: i === 0 ? 100 : pct(reached[stage], reached[order[i - 1]]),
  }));

  const messages = { total: 0, byChannel: {} as Record<string, number>, byVariant: {} as Record<string, number>, byChannelVariant: {} as Record<string, number> };
  for (const r of store.rows(`SELECT channel, variant, count(*) AS n FROM messages ${where} GROUP BY channel, variant`).all(...params)) {
    const channel = channelOf(r[0], 'messages.channel');
    const variant = variantOf(r[1], 'messages.variant');
    const n = int(r[2], 'count(messages)');
    messages.total += n;
    messages.byChannel[channel] = (messages.byChannel[channel] ?? 0) + n;
    messages.byVariant[variant] = (messages.byVariant[variant] ?? 0) + n;
    messages.byChannelVariant[`${channel}/${variant}`] = n;
  }

  const ledger = countSendsByState(store, campaignId);
  const byState = Object.fromEntries(SEND_STATES.map((s) => [s, ledger.byState[s] ?? 0]));
  const dryRunByState = Object.fromEntries(SEND_STATES.map((s) => [s, ledger.dryRunByState[s] ?? 0]));
  const byChannel: Record<string, number> = {};
  for (const r of store.rows(`SELECT channel, count(*) AS n FROM sends WHERE state = 'SENT' AND dry_run = 0 ${and} GROUP BY channel`).all(...params)) {
    byChannel[channelOf(r[0], 'sends.channel')] = int(r[1], 'count(sends)');
  }
  const simulated = {
    leads: one(`SELECT count(DISTINCT lead_id) AS n FROM sends WHERE state = 'SENT' AND dry_run = 1 ${and}`),
    sends: dryRunByState.SENT,
  };

  // Two linear passes; a correlated lookup per lead made this quadratic on large stores.
  const sentByVariant = new Map<string, { sent: number; simulated: number }>();
  for (const r of store
    .rows(
      `SELECT l.variant, s.dry_run, count(DISTINCT s.lead_id) AS n FROM sends s JOIN leads l ON l.id = s.lead_id
       WHERE s.state = 'SENT' ${campaignId === undefined ? '' : 'AND l.campaign_id = ?'} GROUP BY l.variant, s.dry_run`,
    )
    .all(...params)) {
    const variant = variantOf(r[0], 'leads.variant');
    const v = sentByVariant.get(variant) ?? { sent: 0, simulated: 0 };
    v[int(r[1], 'sends.dry_run') ? 'simulated' : 'sent'] = int(r[2], 'count(sends.lead_id)');
    sentByVariant.set(variant, v);
  }
  const variants = store
    .rows(`SELECT variant, count(*) AS leads, sum(status = 'REPLIED') AS replied FROM leads ${campaignId === undefined ? '' : 'WHERE campaign_id = ?'} GROUP BY variant ORDER BY variant`)
    .all(...params)
    .map((r) => {
      const variant = variantOf(r[0], 'leads.variant');
      return {
        variant,
        leads: int(r[1], 'count(leads)'),
        sent: sentByVariant.get(variant)?.sent ?? 0,
        simulated: sentByVariant.get(variant)?.simulated ?? 0,
        replied: intOrNull(r[2], 'replied') ?? 0,
      };
    });

  const run = latestRun(store);
  const notes: string[] = [];
  if (byState.UNKNOWN) notes.push(`${byState.UNKNOWN} send(s) UNKNOWN: a process stopped mid-send; review before retrying`);
  if (byState.FAILED) notes.push(`${byState.FAILED} send(s) FAILED`);
  if (byStatus.FAILED) notes.push(`${byStatus.FAILED} lead(s) FAILED (see their status reason)`);
  if (run && (run.status === 'CRASHED' || run.status === 'FAILED')) notes.push(`the last run (#${run.id}) ${run.status.toLowerCase()}: resume it with \`leadflow run --resume\``);
  if (run && run.status === 'STOPPED') notes.push(`the last run (#${run.id}) was stopped: resume it with \`leadflow run --resume\``);

  return {
    generatedAt: new Date().toISOString(),
    leads: { total, byStatus, synthetic: one(`SELECT count(*) AS n FROM leads WHERE synthetic = 1 ${campaignId === undefined ? '' : 'AND campaign_id = ?'}`) },
    funnel,
    messages,
    sends: { total: ledger.dryRun + ledger.live, byState, byChannel, dryRun: ledger.dryRun, dryRunByState, live: ledger.live },
    simulated,
    variants,
    abTest: abTestReport(store, { campaignId }),
    suppressions: countSuppressions(store),
    lastRun: run ? { id: run.id, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt } : null,
    health: { status: notes.length ? 'attention' : 'ok', notes },
    llm: llmUsage(store),
    campaign: campaign ? { id: campaign.id, name: campaign.name, state: campaign.state, product: campaign.spec.offer.product } : null,
  };
}
