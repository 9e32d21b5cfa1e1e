/**
 * Lead search: the full-text index behind `listLeads({ search })` — the page's search box, `leadflow leads --search`,
 * MCP's `list_leads`, the Outreach Metrics node — so that finding a lead by name, email, company or title takes
 * milliseconds at a million leads instead of a scan of every row.
 *
 * What a search matches: each word of the query matches the start of a word in the lead's first name, last name,
 * email, company or title, and every word must match ("jane acme" finds Jane at Acme), ignoring case and accents
 * ("jose" finds José). A word typed with punctuation matches those words in that order: an email address typed
 * whole ("jane.doe@acme.example") or in part ("jane.d", "acme.ex"). Dots inside a word stay part of it, so an email's
 * domain is one word from its start ("acme.example": "acme" finds it, "example" alone does not — otherwise every
 * `.com` lead would match "com", and a query for it would read the whole index). Nothing typed is query syntax:
 * quotes, AND, OR, NEAR, `*`, `-`, `:` are text, and a word with no letter or digit is ignored.
 *
 * How it stays right whoever writes:
 * - `lead_search` is an FTS5 table holding no copy of the text (contentless), with `lead_search_state.indexed_through`:
 *   every lead with an id up to it is in the index. Every path that adds leads passes through `ingestLeads`, which
 *   calls `indexNewLeads` in the same transaction: one INSERT … SELECT of the leads past the mark, then the mark moves.
 *   Indexing a batch at once costs ~2–3 µs a lead; a trigger per inserted row cost +17 µs (measured, 100k leads).
 * - A lead added without it (the sqlite3 shell) has an id past the mark: reads index those few into a temporary
 *   table of their own connection and search it too, so a search stays exact; the next writer indexes them for good.
 * - A deleted lead (erase, or any DELETE) leaves the index by trigger, its words wiped from the file; `clearLeadSearch`
 *   empties it at once for a clear. A lead whose searchable text changes is re-indexed by trigger (no code renames
 *   leads today). A lead written by hand with an id at or below the mark (ids are AUTOINCREMENT: only an explicit id
 *   does that) is not found until `rebuildLeadSearch`.
 */
import type { Store } from './store';
import type { Db } from './db';
import { int } from './rowMapper';

/** At most this many matches of a search are counted: past it, a total is "10,000+" (`totalIsLowerBound`). */
export const SEARCH_COUNT_CAP = 10_000;

/**
 * unicode61 folds case and (remove_diacritics 2) accents; `.` is part of a word, so an email's address and domain
 * are words of their own (see the header).
 */
const TOKENIZE = `tokenize = "unicode61 remove_diacritics 2 tokenchars '.'"`;

/**
 * The text a lead is found by, as an SQL expression over the leads row `row` (`leads`, or `NEW` in a trigger).
 * Part of the v13 migration: changing it means a new migration that re-indexes.
 */
function searchText(row: string): string {
  return `${row}.first_name || ' ' || ${row}.last_name || ' ' || ${row}.email || ' ' || ${row}.company || ' ' || ${row}.title`;
}

/**
 * Schema v13. detail=full (word positions) lets a word typed with punctuation match as a phrase, for ~0.3 µs a lead
 * more than detail=none; prefix indexes of 1 and 2 characters make the first keystrokes of a search (`m`, `ma`) as
 * quick as a whole word (~0.5 µs a lead). A lead leaves the index by FTS5's 'delete' with the text it was indexed
 * with (its OLD row), and secure-delete makes that take its words out of the index's pages at once: an erased
 * person's name must not stay in the file (a contentless_delete table only marks the row deleted until a merge).
 * Indexes the leads already in the store.
 */
export const LEAD_SEARCH_MIGRATION = `
  CREATE VIRTUAL TABLE lead_search USING fts5(text, content = '', detail = full, prefix = '1 2', ${TOKENIZE});
  INSERT INTO lead_search (lead_search, rank) VALUES ('secure-delete', 1);
  CREATE TABLE lead_search_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through INTEGER NOT NULL
  );
  INSERT INTO lead_search (rowid, text) SELECT id, ${searchText('leads')} FROM leads;
  INSERT INTO lead_search_state (id, indexed_through) VALUES (1, coalesce((SELECT max(id) FROM leads), 0));

  CREATE TRIGGER lead_search_delete AFTER DELETE ON leads
  WHEN OLD.id <= (SELECT indexed_through FROM lead_search_state)
  BEGIN
    INSERT INTO lead_search (lead_search, rowid, text) VALUES ('delete', OLD.id, ${searchText('OLD')});
  END;
  CREATE TRIGGER lead_search_update AFTER UPDATE OF id, first_name, last_name, email, company, title ON leads
  WHEN OLD.id IS NOT NEW.id OR OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name
    OR OLD.email IS NOT NEW.email OR OLD.company IS NOT NEW.company OR OLD.title IS NOT NEW.title
  BEGIN
    INSERT INTO lead_search (lead_search, rowid, text)
      SELECT 'delete', OLD.id, ${searchText('OLD')} WHERE OLD.id <= (SELECT indexed_through FROM lead_search_state);
    INSERT INTO lead_search (rowid, text) SELECT NEW.id, ${searchText('NEW')} WHERE NEW.id <= (SELECT indexed_through FROM lead_search_state);
  END;
`;

const INDEX_NEW = `INSERT INTO lead_search (rowid, text)
  SELECT id, ${searchText('leads')} FROM leads WHERE id > (SELECT indexed_through FROM lead_search_state)`;
const MOVE_MARK = `UPDATE lead_search_state SET indexed_through = (SELECT max(id) FROM leads)
  WHERE (SELECT max(id) FROM leads) > indexed_through`;

/**
 * Index the leads added since the last call (those past the mark), in one statement, and move the mark. Call it
 * once at the end of a batch of inserts, inside its transaction; returns how many leads it indexed.
 */
export function indexNewLeads(store: Store): number {
  return store.tx(() => {
    const n = Number(store.stmt(INDEX_NEW).run().changes);
    store.stmt(MOVE_MARK).run();
    return n;
  });
}

/**
 * `indexNewLeads` for a writer on the `Db` face, inside its transaction. The index is SQLite's (FTS5); a PostgreSQL
 * store has none yet, and its lead search is not offered.
 */
export async function indexNewLeadsOn(db: Db): Promise<number> {
  if (db.dialect !== 'sqlite') return 0;
  const n = await db.run(INDEX_NEW);
  await db.run(MOVE_MARK);
  return n;
}

/**
 * Empty the index for a clear, before `DELETE FROM leads` in the same transaction: with the mark at 0 the delete
 * trigger skips every row, instead of removing a million entries one by one.
 */
export function clearLeadSearch(store: Store): void {
  store.tx(() => {
    store.exec("INSERT INTO lead_search (lead_search) VALUES ('delete-all')");
    store.stmt('UPDATE lead_search_state SET indexed_through = 0').run();
  });
}

/** Rebuild the index from the leads (a repair: `clearLeadSearch` then `indexNewLeads`); returns the leads indexed. */
export function rebuildLeadSearch(store: Store): number {
  return store.tx(() => {
    clearLeadSearch(store);
    return indexNewLeads(store);
  });
}

/**
 * A search text as an FTS5 query, or null when it holds no letter or digit (nothing to search for). Each
 * whitespace-separated word becomes a quoted phrase whose last word is a prefix (`"jane.doe@acme"*`): the quotes make
 * anything typed plain text, never syntax. A dot that does not join two word characters ("Acme.", ".net") is dropped,
 * as a separator would be, so "inc." still finds "Inc".
 */
export function searchMatch(search: string): string | null {
  const words = searchWords(search);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ');
}

/** The words of a search, as the index splits text: a `.` stays inside a word (an address), not at its ends. */
export function searchWords(search: string): string[] {
  return search
    .split(/\s+/u)
    .map((w) => w.replace(/(?<![\p{L}\p{N}])\.+|\.+(?![\p{L}\p{N}])/gu, ' ').trim())
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** Where the index stands: leads with ids up to `indexedThrough` are in it; those past it up to `maxLeadId` are not. */
export interface SearchCoverage {
  indexedThrough: number;
  maxLeadId: number;
}

export function searchCoverage(store: Store): SearchCoverage {
  const row = store.rows('SELECT (SELECT indexed_through FROM lead_search_state), (SELECT max(id) FROM leads)').get();
  return { indexedThrough: row && row[0] !== null ? int(row[0], 'indexed_through') : 0, maxLeadId: row && row[1] !== null ? int(row[1], 'max(leads.id)') : 0 };
}

/** The per-connection index of the leads past the mark (see the header): TEMP, so building it takes no write lock. */
export const UNINDEXED_TABLE = 'temp.lead_search_unindexed';

/**
 * Run `read` with the leads past the mark indexed in this connection's temporary table: the same tokenizer and text
 * as `lead_search`, so a search reads both alike. Emptied afterwards, so no copy of anyone's name outlives the read.
 */
export function withUnindexedLeads<T>(store: Store, indexedThrough: number, read: () => T): T {
  store.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${UNINDEXED_TABLE} USING fts5(text, content = '', detail = full, prefix = '1 2', ${TOKENIZE})`);
  store.stmt(`INSERT INTO ${UNINDEXED_TABLE} (rowid, text) SELECT id, ${searchText('leads')} FROM leads WHERE id > ?`).run(indexedThrough);
  try {
    return read();
  } finally {
    store.exec(`INSERT INTO ${UNINDEXED_TABLE} (lead_search_unindexed) VALUES ('delete-all')`);
  }
}

/**
 * How many leads the index holds against how many it should (every lead up to the mark): equal unless something
 * wrote past its triggers (a lead given an id at or below the mark by hand, a delete with the triggers dropped).
 * `leadflow doctor --store` reports it and `--repair` rebuilds.
 */
export function searchIndexCount(store: Store): { indexed: number; expected: number } {
  const row = store
    .rows('SELECT (SELECT count(*) FROM lead_search), (SELECT count(*) FROM leads WHERE id <= (SELECT indexed_through FROM lead_search_state))')
    .get()!;
  return { indexed: int(row[0], 'count(lead_search)'), expected: int(row[1], 'count(leads)') };
}
