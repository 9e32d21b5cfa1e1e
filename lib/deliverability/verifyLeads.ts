/**
 * `verifyLeads`: verify the leads still waiting for a first email (NEW, ENRICHED, MESSAGED) that have no verdict
 * yet, and record one verdict per lead in `verifications`. DNS answers are shared per domain within the call, so
 * a thousand leads at one company cost one MX lookup. Lookups run `concurrency` at a time; each verdict is written
 * as soon as it is known, so a stopped run keeps what it finished and the next call carries on from there.
 */
import type { Store } from '../store/store';
import type { Db } from '../store/db';
import { int, jsonOf, oneOf, rowMapper, text } from '../store/rowMapper';
import { verifyRecipient, VERDICTS, type RecipientVerification, type Verdict } from './verify';
import type { MailHost, MailHostResolver } from './verifyMailHost';

export interface VerifyLeadsOptions {
  /** At most this many leads per call (default 500). */
  limit?: number;
  resolver?: MailHostResolver;
  /** DNS lookups in flight at once (default 8). */
  concurrency?: number;
  /** Verify leads that already have a verdict again (default: only unverified ones). */
  recheck?: boolean;
  now?: () => Date;
}

export interface VerifyLeadsTally {
  checked: number;
  byVerdict: Record<Verdict, number>;
  /** Distinct domains looked up in DNS (reserved and disposable domains are never looked up). */
  domainsLookedUp: number;
  results: (RecipientVerification & { leadId: number })[];
}

export interface StoredVerification {
  leadId: number;
  verdict: Verdict;
  checks: RecipientVerification['checks'];
  reasons: string[];
  checkedAt: string;
}

/** The verifications table's one row mapper; `checks` and `reasons` are JSON, parsed here. */
export const VERIFICATIONS = rowMapper<StoredVerification>({
  leadId: ['lead_id', int],
  verdict: ['verdict', oneOf(VERDICTS)],
  checks: ['checks', jsonOf<RecipientVerification['checks']>()],
  reasons: ['reasons', jsonOf<string[]>()],
  checkedAt: ['checked_at', text],
});

const WAITING = "l.status IN ('NEW', 'ENRICHED', 'MESSAGED')";

/** One verdict, written only while its lead exists; the cast types the SELECT's first cell for PostgreSQL. */
const SAVE = `INSERT INTO verifications (lead_id, verdict, checks, reasons, checked_at)
  SELECT CAST(? AS integer), ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM leads WHERE id = ?)
  ON CONFLICT (lead_id) DO UPDATE SET verdict = excluded.verdict, checks = excluded.checks,
    reasons = excluded.reasons, checked_at = excluded.checked_at`;

export async function verifyLeads(db: Db, options: VerifyLeadsOptions = {}): Promise<VerifyLeadsTally> {
  const limit = Math.max(0, Math.floor(options.limit ?? 500));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const now = options.now ?? (() => new Date());
  const leads = (
    await db.all(
      `SELECT l.id, l.email FROM leads l LEFT JOIN verifications v ON v.lead_id = l.id
       WHERE ${WAITING} AND (? = 1 OR v.lead_id IS NULL) ORDER BY l.id LIMIT ?`,
      [options.recheck ? 1 : 0, limit],
    )
  ).map((r) => ({ id: int(r[0], 'leads.id'), email: text(r[1], 'leads.email') }));

  const mailHostCache = new Map<string, Promise<MailHost>>();
  const tally: VerifyLeadsTally = { checked: 0, byVerdict: { deliverable: 0, risky: 0, undeliverable: 0 }, domainsLookedUp: 0, results: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < leads.length) {
      const lead = leads[next++];
      const result = await verifyRecipient(lead.email, { resolver: options.resolver, mailHostCache });
      // The lead may have been erased while DNS answered: the foreign key would refuse the row; skip it instead
      // (checked in the one statement that writes, so no erase on another connection slips in between).
      const saved = await db.run(SAVE, [lead.id, result.verdict, JSON.stringify(result.checks), JSON.stringify(result.reasons), now().toISOString(), lead.id]);
      if (saved === 0) continue;
      tally.checked++;
      tally.byVerdict[result.verdict]++;
      tally.results.push({ leadId: lead.id, ...result });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, leads.length) }, worker));
  tally.domainsLookedUp = mailHostCache.size;
  tally.results.sort((a, b) => a.leadId - b.leadId);
  return tally;
}

/** The recorded verdict for a lead, or null when it was never verified. */
const VERIFICATION_OF = `SELECT ${VERIFICATIONS.columns} FROM verifications WHERE lead_id = ?`;

export function getVerification(store: Store, leadId: number): StoredVerification | null {
  const row = store.rows(VERIFICATION_OF).get(leadId);
  return row ? VERIFICATIONS.from(row) : null;
}

/** `getVerification` on either database. */
export async function verificationOn(db: Db, leadId: number): Promise<StoredVerification | null> {
  const row = await db.get(VERIFICATION_OF, [leadId]);
  return row ? VERIFICATIONS.from(row) : null;
}
