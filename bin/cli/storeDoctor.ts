/**
 * `leadflow doctor --store [--repair]`: check what the store keeps beside its rows against the rows themselves — the
 * tallies (the counts every metric reads) against a full recount, and the search index against the leads it should
 * hold — and with --repair rebuild whichever disagrees. Triggers and the writers keep both right; this is the way
 * back if anything ever wrote past them (a row written with the triggers dropped, a hand-edited file). Exits 1 when
 * something is wrong and was not repaired.
 */
import type { Store } from '../../lib/store/store';
import { rebuildTallies, tallyDrift, type TallyDrift } from '../../lib/store/tallies';
import { rebuildLeadSearch, searchIndexCount } from '../../lib/store/leadSearch';

export interface StoreDoctorReport {
  store: string;
  /** Tallies that disagreed with the rows (before a repair). */
  drift: TallyDrift[];
  /** Leads in the search index, and how many it should hold (before a repair). */
  search: { indexed: number; expected: number };
  repaired: boolean;
  ok: boolean;
}

export function storeDoctor(store: Store, repair: boolean): StoreDoctorReport {
  const search = searchIndexCount(store);
  const searchWrong = search.indexed !== search.expected;
  const drift = repair ? rebuildTallies(store) : tallyDrift(store);
  if (repair && searchWrong) rebuildLeadSearch(store);
  const wrong = drift.length > 0 || searchWrong;
  return { store: store.path, drift, search, repaired: repair && wrong, ok: !wrong || repair };
}

export function formatStoreDoctor(r: StoreDoctorReport): string {
  const lines = [`Store doctor — ${r.store}`];
  const mark = r.repaired ? 'FIXED' : 'FAIL ';
  if (r.drift.length === 0) lines.push('  OK    tallies     every count equals a recount of the rows');
  else {
    lines.push(`  ${mark} tallies     ${r.drift.length} count(s) disagreed with the rows:`);
    for (const d of r.drift.slice(0, 20)) lines.push(`                    campaign ${d.campaignId} ${d.key}: kept ${d.kept}, counted ${d.counted}`);
    if (r.drift.length > 20) lines.push(`                    … and ${r.drift.length - 20} more`);
  }
  if (r.search.indexed === r.search.expected) lines.push(`  OK    search      ${r.search.indexed} lead(s) indexed, as there should be`);
  else lines.push(`  ${mark} search      ${r.search.indexed} lead(s) indexed where there should be ${r.search.expected}`);
  if (r.drift.length === 0 && r.search.indexed === r.search.expected) return lines.join('\n');
  lines.push(r.repaired ? 'Rebuilt from the rows: the metrics and the search are right again.' : 'Run `leadflow doctor --store --repair` to rebuild them from the rows.');
  return lines.join('\n');
}
