/**
 * Forgetting people: `eraseLead` / `eraseEmail` remove one person (the GDPR erasure request) and `clearLeads` empties
 * the store of leads.
 *
 * Promises:
 * - erasing deletes every row about the person — the lead, its enrichment, messages, send-ledger rows and events (by
 *   the schema's cascades), and any plain-text suppression of their address — and adds a one-way hash of the address
 *   to the suppression list, all in one transaction, so the address is never re-imported (ingest checks the hash)
 *   nor mailed (the send path checks it), while the store no longer holds it in readable form — not even in freed
 *   pages or the write-ahead log (secure_delete, then a truncating checkpoint);
 * - erasing an address the store does not hold still records the hash: the request is honoured for the future;
 * - clearing removes every lead and what hangs off it, and finished run records, but keeps the suppression list:
 *   an unsubscribe or an erasure must survive a reset.
 */
import { LeadflowError } from '../errors';
import type { Store } from '../store/store';
import { getLead } from '../store/leads';
import { emailHash, suppress } from '../store/suppressions';
import { reapCrashedRuns } from '../store/runs';
import { clearLeadSearch } from '../store/leadSearch';

export const ERASURE_REASON = 'erased at the person’s request';

export interface Erasure {
  /** The erased lead's id, or null when the store held no lead with that address. */
  leadId: number | null;
  /** Rows deleted, by table. */
  deleted: { leads: number; enrichments: number; messages: number; sends: number; events: number; suppressions: number };
  /** The SHA-256 of the normalized address, now on the suppression list. */
  hash: string;
}

/** A bad address is the caller's input; a run still going is a conflict with the store's state. */
export class EraseError extends LeadflowError {
  constructor(message: string, kind: 'input' | 'conflict' = 'input') {
    super(kind, message);
    this.name = 'EraseError';
  }
}

/** Erase the lead with this id; undefined when there is none. */
export function eraseLead(store: Store, id: number, now = new Date().toISOString()): Erasure | undefined {
  const lead = getLead(store, id);
  return lead ? eraseEmail(store, lead.email, now) : undefined;
}

/** Erase whoever has this address (case-insensitive), and suppress the address by hash. */
export function eraseEmail(store: Store, email: string, now = new Date().toISOString()): Erasure {
  const normal = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(normal)) {
    throw new EraseError(`"${email}" is not an email address: pass the address of the person to erase`);
  }
  const hash = emailHash(normal);
  // SQLite keeps deleted bytes in free pages and in the WAL until they are reused: zero them as they are freed, then
  // fold the WAL back into the file and truncate it, so the address is gone from the disk, not just from queries.
  const before = Number(Object.values(store.stmt('PRAGMA secure_delete').get() ?? { v: 0 })[0]);
  store.exec('PRAGMA secure_delete = ON');
  try {
    const erasure = deleteEverythingAbout(store, normal, hash, now);
    if (store.path !== ':memory:') store.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return erasure;
  } finally {
    store.exec(`PRAGMA secure_delete = ${before ? 'ON' : 'OFF'}`);
  }
}

function deleteEverythingAbout(store: Store, normal: string, hash: string, now: string): Erasure {
  return store.tx(() => {
    const row = store.stmt('SELECT id FROM leads WHERE email = ?').get(normal);
    const leadId = row ? Number(row.id) : null;
    const count = (sql: string) => (leadId === null ? 0 : Number(store.stmt(sql).get(leadId)?.n ?? 0));
    const deleted = {
      leads: 0,
      enrichments: count('SELECT count(*) AS n FROM enrichments WHERE lead_id = ?'),
      messages: count('SELECT count(*) AS n FROM messages WHERE lead_id = ?'),
      sends: count('SELECT count(*) AS n FROM sends WHERE lead_id = ?'),
      events: count('SELECT count(*) AS n FROM events WHERE lead_id = ?'),
      suppressions: 0,
    };
    if (leadId !== null) {
      // Explicit deletes rather than trusting cascades alone: a store opened without foreign keys must not keep rows.
      for (const table of ['events', 'sends', 'messages', 'enrichments'] as const) {
        store.stmt(`DELETE FROM ${table} WHERE lead_id = ?`).run(leadId);
      }
      deleted.leads = Number(store.stmt('DELETE FROM leads WHERE id = ?').run(leadId).changes);
    }
    // Events not tied to a lead (a bounce or reply for an address we no longer knew) can still name the person.
    const like = '%' + normal.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    deleted.events += Number(store.stmt("DELETE FROM events WHERE lead_id IS NULL AND detail LIKE ? ESCAPE '\\'").run(like).changes);
    deleted.suppressions = Number(store.stmt("DELETE FROM suppressions WHERE kind = 'email' AND value = ?").run(normal).changes);
    suppress(store, 'email_sha256', hash, ERASURE_REASON, now);
    return { leadId, deleted, hash };
  });
}

/** Delete every lead (with enrichments, messages, sends and events) and finished runs; returns the leads deleted. */
export function clearLeads(store: Store): number {
  reapCrashedRuns(store);
  return store.tx(() => {
    const running = store.stmt("SELECT id FROM runs WHERE status = 'RUNNING' LIMIT 1").get();
    if (running) {
      throw new EraseError(`run #${running.id} is still going: stop it first (leadflow stop, or the Stop button), then clear`, 'conflict');
    }
    for (const table of ['events', 'sends', 'messages', 'enrichments'] as const) store.exec(`DELETE FROM ${table}`);
    clearLeadSearch(store);
    const n = Number(store.stmt('DELETE FROM leads').run().changes);
    store.exec("DELETE FROM runs WHERE status != 'RUNNING'");
    return n;
  });
}
