/** Human-readable metrics for the terminal: the funnel as bars, then the ledger and what needs attention. */
import type { Metrics } from '../../lib/metrics/metrics';

const WIDTH = 28;

export function formatFunnel(m: Metrics, storePath: string): string {
  const lines: string[] = [];
  const top = Math.max(1, m.funnel[0]?.leads ?? 1);
  lines.push(`Funnel — ${m.leads.total} lead(s) in ${storePath}`);
  for (const step of m.funnel) {
    const filled = Math.round((step.leads / top) * WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
    const conv = step.stage === 'generated' ? '' : `  ${step.conversionPct.toFixed(1)}% of previous`;
    lines.push(`  ${step.stage.padEnd(10)} ${String(step.leads).padStart(8)}  ${bar}${conv}`);
  }
  const statuses = Object.entries(m.leads.byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`);
  lines.push(`Leads by status: ${statuses.join(', ') || 'none'}`);
  const channels = Object.entries(m.messages.byChannelVariant).map(([k, n]) => `${k} ${n}`);
  lines.push(`Messages: ${m.messages.total}${channels.length ? ` (${channels.join(', ')})` : ''}`);
  const states = Object.entries(m.sends.byState).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`);
  lines.push(`Sends: ${m.sends.total} (${states.join(', ') || 'none'}; ${m.sends.dryRun} dry run, ${m.sends.live} live)`);
  if (m.variants.length) {
    lines.push('Variants: ' + m.variants.map((v) => `${v.variant}: ${v.leads} leads, ${v.sent} sent, ${v.replied} replied`).join(' | '));
  }
  lines.push(`Health: ${m.health.status}` + (m.health.notes.length ? '\n  - ' + m.health.notes.join('\n  - ') : ''));
  return lines.join('\n');
}
