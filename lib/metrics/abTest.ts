/**
 * The A/B report: per variant (overall and per sequence step) what was sent and what came back, the reply rate
 * with a Wilson interval, and a two-sided test between A and B — Fisher's exact test when any expected cell is
 * under 5, the two-proportion z-test otherwise. A variant is called the winner only when p < alpha; until then the
 * report says "not enough data yet" and, from the rates seen so far, about how many more sends would settle it
 * (80% power). Counts are per lead: a lead is "sent" once it got a message, and a reply, bounce or unsubscribe is
 * credited to the last step it was sent. Only live sends count when there are any; a store with dry runs only gets
 * a report on those, marked as such, since nobody received them.
 */
import type { Db } from '../store/db';
import { int, intOrNull, oneOf } from '../store/rowMapper';
import { sumTallies, talliesOf } from '../store/tallies';
import { fisherExactTest, sampleSizePerGroup, twoProportionZTest, wilsonInterval, type Interval } from './abStats';

export interface VariantStats {
  variant: string;
  sent: number;
  replies: number;
  bounces: number;
  unsubscribes: number;
  /** replies / sent, 0 when nothing was sent. */
  replyRate: number;
  /** Wilson score interval of the reply rate at the report's confidence level. */
  replyRateInterval: Interval;
}

export interface AbComparison {
  test: 'z-test' | 'fisher-exact' | 'none';
  pValue: number | null;
  /** Set only when p < alpha. */
  winner: 'A' | 'B' | null;
  /** Sends still needed, both variants together, to detect the difference seen so far; null when it cannot be said. */
  moreSendsNeeded: number | null;
  verdict: string;
}

export interface AbStepReport {
  step: number;
  variants: VariantStats[];
  comparison: AbComparison;
}

export interface AbTestReport {
  /** Which sends were counted: live ones, or dry runs when no live send exists yet, or none at all. */
  basis: 'live' | 'dry-run' | 'none';
  alpha: number;
  confidence: number;
  variants: VariantStats[];
  comparison: AbComparison;
  steps: AbStepReport[];
}

export interface AbTestOptions {
  /** Significance level of the test (default 0.05). */
  alpha?: number;
  /** Power the "need about N more sends" estimate aims for (default 0.8). */
  power?: number;
  /** Only this campaign's leads (its id); otherwise the whole store. */
  campaignId?: number;
  /** The tallies of that scope, when the caller has read them already. */
  tallies?: ReadonlyMap<string, number>;
}

type Counts = Pick<VariantStats, 'sent' | 'replies'>;

/** Compare variant A with variant B on reply rate. */
export function compareVariants(a: Counts, b: Counts, options: AbTestOptions = {}): AbComparison {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  const empty = [a.sent === 0 ? 'A' : '', b.sent === 0 ? 'B' : ''].filter(Boolean);
  if (empty.length) {
    return { test: 'none', pValue: null, winner: null, moreSendsNeeded: null, verdict: `not enough data yet (nothing sent for variant ${empty.join(' or ')})` };
  }
  const replies = a.replies + b.replies;
  const total = a.sent + b.sent;
  const expected = [a.sent, b.sent].flatMap((n) => [(n * replies) / total, (n * (total - replies)) / total]);
  const small = Math.min(...expected) < 5;
  const pValue = small ? fisherExactTest(a.replies, a.sent, b.replies, b.sent).pValue : twoProportionZTest(a.replies, a.sent, b.replies, b.sent).pValue;
  const test = small ? 'fisher-exact' : 'z-test';
  const rateA = a.replies / a.sent;
  const rateB = b.replies / b.sent;
  const p = pValue < 0.001 ? 'p < 0.001' : `p = ${pValue.toFixed(3)}`;
  if (pValue < alpha) {
    const winner = rateA > rateB ? 'A' : 'B';
    return { test, pValue, winner, moreSendsNeeded: 0, verdict: `${winner} wins: ${pctText(Math.max(rateA, rateB))} vs ${pctText(Math.min(rateA, rateB))} reply rate (${p}, ${test})` };
  }
  if (rateA === rateB) {
    return { test, pValue, winner: null, moreSendsNeeded: null, verdict: `not enough data yet (no difference between A and B so far, ${p})` };
  }
  const perGroup = sampleSizePerGroup(rateA, rateB, alpha, power);
  const more = Math.max(0, perGroup - a.sent) + Math.max(0, perGroup - b.sent);
  return {
    test,
    pValue,
    winner: null,
    moreSendsNeeded: more,
    verdict:
      more > 0
        ? `not enough data yet (need about ${more} more sends; ${p})`
        : `no significant difference at alpha ${alpha} (${p}): the variants perform about the same`,
  };
}

function pctText(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function stats(variant: string, c: { sent: number; replies: number; bounces: number; unsubscribes: number }, confidence: number): VariantStats {
  return { variant, ...c, replyRate: c.sent ? c.replies / c.sent : 0, replyRateInterval: wilsonInterval(c.replies, c.sent, confidence) };
}

const VARIANTS = ['A', 'B'] as const;
const variantOf = oneOf(VARIANTS);

/**
 * The A/B report for a store. What was sent comes from the tallies (leads reached per variant and step: a few rows);
 * how it ended is read from the leads that replied, bounced or unsubscribed only — each credited, with its variant,
 * to the last step it was sent — so the report costs the same for a thousand leads as for a million.
 */
export async function abTestReport(db: Db, options: AbTestOptions = {}): Promise<AbTestReport> {
  const alpha = options.alpha ?? 0.05;
  const confidence = 1 - alpha;
  const t = options.tallies ?? (await talliesOf(db, options.campaignId));
  const live = sumTallies(t, 'send', 'SENT', 0);
  const dry = live ? 0 : sumTallies(t, 'send', 'SENT', 1);
  const basis: AbTestReport['basis'] = live ? 'live' : dry ? 'dry-run' : 'none';
  const mode = basis === 'dry-run' ? 1 : 0;

  type Tally = { sent: number; replies: number; bounces: number; unsubscribes: number };
  const zero = (): Tally => ({ sent: 0, replies: 0, bounces: 0, unsubscribes: 0 });
  const overall = new Map<string, Tally>(VARIANTS.map((v) => [v, { ...zero(), sent: sumTallies(t, 'sentLead', mode, v) }]));
  const bySteps = new Map<number, Map<string, Tally>>();
  const stepOf = (step: number) => {
    if (!bySteps.has(step)) bySteps.set(step, new Map(VARIANTS.map((v) => [v, zero()])));
    return bySteps.get(step)!;
  };
  for (const [key, n] of t) {
    const [kind, m, variant, step] = key.split(':');
    if (kind !== 'sentStep' || m !== String(mode) || n === 0) continue;
    stepOf(Number(step)).get(variantOf(variant, 'tallies: variant'))!.sent += n;
  }

  // The outcomes: leads that replied or bounced (by status) or unsubscribed (an event), with their last step sent.
  const scoped = options.campaignId === undefined ? [] : [options.campaignId];
  const inCampaign = options.campaignId === undefined ? '' : 'AND l.campaign_id = ?';
  const outcomes = await db.all(
    `WITH unsub AS (SELECT DISTINCT lead_id FROM events WHERE type = 'unsubscribe' AND lead_id IS NOT NULL),
          ended AS (SELECT id FROM leads WHERE status IN ('REPLIED', 'BOUNCED') UNION SELECT lead_id FROM unsub)
     SELECT l.variant, (SELECT max(s.step) FROM sends s WHERE s.lead_id = l.id AND s.state = 'SENT' AND s.dry_run = ?) AS last,
            CASE WHEN l.status = 'REPLIED' THEN 1 ELSE 0 END, CASE WHEN l.status = 'BOUNCED' THEN 1 ELSE 0 END,
            CASE WHEN l.id IN (SELECT lead_id FROM unsub) THEN 1 ELSE 0 END
     FROM ended JOIN leads l ON l.id = ended.id WHERE true ${inCampaign}`,
    [mode, ...scoped],
  );
  for (const r of outcomes) {
    const last = intOrNull(r[1], 'last step');
    if (last === null) continue; // never sent in this mode: not part of the test
    const variant = variantOf(r[0], 'leads.variant');
    for (const tally of [overall.get(variant)!, stepOf(last).get(variant)!]) {
      tally.replies += int(r[2], 'replied');
      tally.bounces += int(r[3], 'bounced');
      tally.unsubscribes += int(r[4], 'unsubscribed');
    }
  }

  const report = (tallies: Map<string, Tally>) => {
    const variants = [...tallies].map(([v, t]) => stats(v, t, confidence));
    const a = variants.find((v) => v.variant === 'A')!;
    const b = variants.find((v) => v.variant === 'B')!;
    return { variants, comparison: compareVariants(a, b, options) };
  };
  return {
    basis,
    alpha,
    confidence,
    ...report(overall),
    steps: [...bySteps].sort(([x], [y]) => x - y).map(([step, tallies]) => ({ step, ...report(tallies) })),
  };
}
