/**
 * `leadflow doctor --store [--repair]`: check that the store's tallies (the counts every metric reads) equal a full
 * recount of its rows, and with --repair rebuild the ones that drifted. The triggers keep them exact; this is the
 * way back if anything ever wrote past them (a row written with the triggers dropped, a hand-edited file). Exits 1
 * when a tally is wrong and was not repaired.
 */
import type { Store } from '../../lib/store/store';
import { rebuildTallies, tallyDrift, type TallyDrift } from '../../lib/store/tallies';

export interface StoreDoctorReport {
  store: string;
  /** Tallies that disagreed with the rows (before a repair). */
  drift: TallyDrift[];
  repaired: boolean;
  ok: boolean;
}

export function storeDoctor(store: Store, repair: boolean): StoreDoctorReport {
  const drift = repair ? rebuildTallies(store) : tallyDrift(store);
  return { store: store.path, drift, repaired: repair && drift.length > 0, ok: drift.length === 0 || repair };
}

export function formatStoreDoctor(r: StoreDoctorReport): string {
  const lines = [`Store doctor — ${r.store}`];
  if (r.drift.length === 0) {
    lines.push('  OK    tallies     every count equals a recount of the rows');
    return lines.join('\n');
  }
  lines.push(`  ${r.repaired ? 'FIXED' : 'FAIL '} tallies     ${r.drift.length} count(s) disagreed with the rows:`);
  for (const d of r.drift.slice(0, 20)) lines.push(`                    campaign ${d.campaignId} ${d.key}: kept ${d.kept}, counted ${d.counted}`);
  if (r.drift.length > 20) lines.push(`                    … and ${r.drift.length - 20} more`);
  lines.push(r.repaired ? 'Rebuilt from the rows: the metrics are right again.' : 'Run `leadflow doctor --store --repair` to rebuild them from the rows.');
  return lines.join('\n');
}
