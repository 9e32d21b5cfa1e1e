/**
 * Forgetting people: `eraseLead` / `eraseEmail` remove one person (the GDPR erasure request) and `clearLeads` empties
 * the store of leads.
 *
 * Promises:
 * - erasing deletes every row about the person — the lead, its enrichment, messages, send-ledger rows and events (by
 *   the schema's cascades), and any plain-text suppression of their address — and adds a one-way hash of the address
 *   to the suppression list, all in one transaction, so the address is never re-imported (ingest checks the hash)
 *   nor mailed (the send path checks it), while the store no longer holds it in readable form — not even in freed
 *   pages or the write-ahead log (secure_delete, then a truncating checkpoint). On PostgreSQL the rows go in the
 *   same one transaction; the server keeps their bytes in dead row versions and its WAL until VACUUM and checkpoints
 *   recycle them — its operator's matter, as for n8n's own tables;
 * - erasing an address the store does not hold still records the hash: the request is honoured for the future;
 * - clearing removes every lead and what hangs off it, and finished run records, but keeps the suppression list:
 *   an unsubscribe or an erasure must survive a reset.
 */
import { LeadflowError } from '../errors';
import type { Store } from '../store/store';
import type { Db } from '../store/db';
import type { AnyStore } from '../store/openDb';
import { int } from '../store/rowMapper';
import { leadOn } from '../store/leads';
import { emailHash, suppressOn } from '../store/suppressions';
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
export async function eraseLead(store: AnyStore, id: number, now = new Date().toISOString()): Promise<Erasure | undefined> {
  const lead = await leadOn(store, id);
  return lead ? eraseEmail(store, lead.email, now) : undefined;
}

/** Erase whoever has this address (case-insensitive), on either database, and suppress the address by hash. */
export async function eraseEmail(store: AnyStore, email: string, now = new Date().toISOString()): Promise<Erasure> {
  const normal = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(normal)) {
    throw new EraseError(`"${email}" is not an email address: pass the address of the person to erase`);
  }
  const hash = emailHash(normal);
  if (store.dialect === 'postgres') return store.transaction((tx) => deleteEverythingAbout(tx, normal, hash, now));
  // SQLite keeps deleted bytes in free pages and in the WAL until they are reused: zero them as they are freed, then
  // fold the WAL back into the file and truncate it, so the address is gone from the disk, not just from queries.
  const before = Number(Object.values(store.stmt('PRAGMA secure_delete').get() ?? { v: 0 })[0]);
  store.exec('PRAGMA secure_delete = ON');
  try {
    const erasure = await store.transaction((tx) => deleteEverythingAbout(tx, normal, hash, now));
    if (store.path !== ':memory:') store.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return erasure;
  } finally {
    store.exec(`PRAGMA secure_delete = ${before ? 'ON' : 'OFF'}`);
  }
}

/** Inside a transaction: delete every row about the address, and suppress it by hash. */
async function deleteEverythingAbout(db: Db, normal: string, hash: string, now: string): Promise<Erasure> {
  const row = await db.get('SELECT id FROM leads WHERE email = ?', [normal]);
  const leadId = row ? int(row[0], 'leads.id') : null;
  const count = async (table: string) => (leadId === null ? 0 : int((await db.get(`SELECT count(*) FROM ${table} WHERE lead_id = ?`, [leadId]))![0], `count(${table})`));
  const deleted = {
    leads: 0,
    enrichments: await count('enrichments'),
    messages: await count('messages'),
    sends: await count('sends'),
    events: await count('events'),
    suppressions: 0,
  };
  if (leadId !== null) {
    // Explicit deletes rather than trusting cascades alone: a store opened without foreign keys must not keep rows.
    for (const table of ['events', 'sends', 'messages', 'enrichments'] as const) await db.run(`DELETE FROM ${table} WHERE lead_id = ?`, [leadId]);
    deleted.leads = await db.run('DELETE FROM leads WHERE id = ?', [leadId]);
  }
  // Events not tied to a lead (a bounce or reply for an address we no longer knew) can still name the person.
  const like = '%' + normal.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
  // Ignoring case on both: SQLite's LIKE does for ASCII, PostgreSQL's needs ILIKE.
  const likeOp = db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
  deleted.events += await db.run(`DELETE FROM events WHERE lead_id IS NULL AND detail ${likeOp} ? ESCAPE '\\'`, [like]);
  deleted.suppressions = await db.run("DELETE FROM suppressions WHERE kind = 'email' AND value = ?", [normal]);
  await suppressOn(db, 'email_sha256', hash, ERASURE_REASON, now);
  return { leadId, deleted, hash };
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
