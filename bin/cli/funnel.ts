/** Human-readable metrics for the terminal: the funnel as bars, then the ledger and what needs attention. */
import type { Metrics } from '../../lib/metrics/metrics';
import type { AbTestReport, VariantStats } from '../../lib/metrics/abTest';

const WIDTH = 28;

export function formatFunnel(m: Metrics, storePath: string): string {
  const lines: string[] = [];
  const top = Math.max(1, m.funnel[0]?.leads ?? 1);
  const of = m.campaign ? ` of campaign "${m.campaign.name}" (${m.campaign.state}, ${m.campaign.product})` : '';
  lines.push(`Funnel — ${m.leads.total} lead(s)${of} in ${storePath}`);
  for (const step of m.funnel) {
    const filled = Math.round((step.leads / top) * WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
    const conv = step.stage === 'generated' ? '' : `  ${step.conversionPct.toFixed(1)}% of previous`;
    lines.push(`  ${step.stage.padEnd(10)} ${String(step.leads).padStart(8)}  ${bar}${conv}`);
  }
  if (m.simulated.leads) lines.push(`  (dry run: ${m.simulated.leads} lead(s) simulated — recorded, nothing was sent)`);
  const statuses = Object.entries(m.leads.byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`);
  lines.push(`Leads by status: ${statuses.join(', ') || 'none'}`);
  const channels = Object.entries(m.messages.byChannelVariant).map(([k, n]) => `${k} ${n}`);
  lines.push(`Messages: ${m.messages.total}${channels.length ? ` (${channels.join(', ')})` : ''}`);
  const states = (by: Record<string, number>) => Object.entries(by).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ');
  const dryOther = states(Object.fromEntries(Object.entries(m.sends.dryRunByState).filter(([s]) => s !== 'SENT')));
  lines.push(
    `Sends: ${m.sends.live} live${m.sends.live ? ` (${states(m.sends.byState)})` : ''}` +
      (m.sends.dryRun ? `; ${m.sends.dryRun} dry-run record(s), nothing sent${dryOther ? ` (${dryOther})` : ''}` : ''),
  );
  if (m.variants.length) {
    lines.push('Variants: ' + m.variants.map((v) => `${v.variant}: ${v.leads} leads, ${v.sent} sent${v.simulated ? `, ${v.simulated} simulated` : ''}, ${v.replied} replied`).join(' | '));
  }
  if (m.abTest.basis !== 'none') lines.push(...formatAbTest(m.abTest));
  if (m.llm.requests > 0) {
    lines.push(
      `AI: ${m.llm.requests} request(s), ${m.llm.promptTokens + m.llm.completionTokens} tokens, ${m.llm.callsSavedByCache} call(s) saved by the cache`,
    );
  }
  lines.push(`Health: ${m.health.status}` + (m.health.notes.length ? '\n  - ' + m.health.notes.join('\n  - ') : ''));
  return lines.join('\n');
}

/** The A/B block: one line per variant (rate and interval), the verdict, then the same per step when there are several. */
export function formatAbTest(ab: AbTestReport): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const row = (v: VariantStats) =>
    `${v.variant}: ${v.sent} ${ab.basis === 'dry-run' ? 'simulated' : 'sent'}, ${v.replies} replied (${pct(v.replyRate)}, ${Math.round(ab.confidence * 100)}% CI ${pct(v.replyRateInterval.low)}–${pct(v.replyRateInterval.high)}), ${v.bounces} bounced, ${v.unsubscribes} unsubscribed`;
  const lines = [`A/B test${ab.basis === 'dry-run' ? ' (dry-run sends only: nobody received them, the rates are not real)' : ''}:`];
  for (const v of ab.variants) lines.push(`  ${row(v)}`);
  lines.push(`  → ${ab.comparison.verdict}`);
  if (ab.steps.length > 1) {
    for (const s of ab.steps) lines.push(`  step ${s.step}: ${s.variants.map(row).join(' | ')} → ${s.comparison.verdict}`);
  }
  return lines;
}
