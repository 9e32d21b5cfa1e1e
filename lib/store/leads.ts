/**
 * The leads table: insert with dedup (email is unique, case-insensitively), read back as `Lead`, move statuses.
 * SQL for leads lives here and nowhere else.
 */
import { LEAD_STATUSES, VARIANTS, type Lead, type LeadInput, type LeadStatus, type Variant } from '../types';
import { flag, int, oneOf, rowMapper, text, textOrNull } from './rowMapper';
import { DEMO_CAMPAIGN_ID } from './campaigns';
import { groupTallies, readTallies, sumTallies } from './tallies';
import type { Store, SqlValue } from './store';
import { inValues, type Db } from './db';
import { insertRowsOn, type MultiRowInsert } from './multiRow';
import { searchCoverage, searchMatch, searchWords, SEARCH_COUNT_CAP, UNINDEXED_TABLE, withUnindexedLeads } from './leadSearch';
import type { AnyStore } from './openDb';

export interface LeadRow extends LeadInput {
  variant: Variant;
  companyDomain: string;
}

/**
 * The row `insertLead` writes for a lead, built field by field: spreading the lead into a new object instead cost
 * ~4 µs per lead — 0.4 s of a 100k-lead run — and would carry any extra fields an import brought along.
 */
export function leadRow(lead: LeadInput, variant: Variant, companyDomain: string): LeadRow {
  return {
    email: lead.email,
    firstName: lead.firstName,
    lastName: lead.lastName,
    title: lead.title,
    company: lead.company,
    website: lead.website,
    linkedinUrl: lead.linkedinUrl,
    industry: lead.industry,
    country: lead.country,
    timezone: lead.timezone,
    synthetic: lead.synthetic,
    source: lead.source,
    attributes: lead.attributes,
    variant,
    companyDomain,
  };
}

const LEAD_COLUMNS = `email, first_name, last_name, title, company, company_domain, website, linkedin_url,
    industry, country, timezone, synthetic, source, variant, status, created_at, updated_at, attributes, campaign_id`;
const LEAD_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'NEW', ?, ?, ?, ?)";
const INSERT = `INSERT INTO leads (${LEAD_COLUMNS}) VALUES ${LEAD_VALUES} ON CONFLICT (email) DO NOTHING`;

/** The batch form of INSERT: the rows that went in come back (id, email); an address already there does not. */
const LEAD_ROWS: MultiRowInsert = { head: `INSERT INTO leads (${LEAD_COLUMNS})`, row: LEAD_VALUES, tail: 'ON CONFLICT (email) DO NOTHING RETURNING id, email', width: 18 };

function leadParams(lead: LeadRow, now: string, campaignId: number): SqlValue[] {
  return [
    lead.email, lead.firstName, lead.lastName, lead.title, lead.company, lead.companyDomain, lead.website, lead.linkedinUrl,
    lead.industry, lead.country, lead.timezone, lead.synthetic ? 1 : 0, lead.source, lead.variant, now, now,
    lead.attributes ? JSON.stringify(lead.attributes) : NO_ATTRIBUTES, campaignId,
  ];
}

/**
 * Insert leads (into `campaignId`, else the built-in demo) in a few multi-row statements, on either database; returns
 * each inserted lead's id by its email as given. An address already in the store (in any case) is left out. Every
 * email in `leads` must differ from the others (case-insensitively). Call inside a transaction.
 */
export async function insertLeadsOn(db: Db, leads: readonly LeadRow[], now: string, campaignId = DEMO_CAMPAIGN_ID): Promise<Map<string, number>> {
  const params: SqlValue[] = [];
  for (const lead of leads) params.push(...leadParams(lead, now, campaignId));
  const out = new Map<string, number>();
  for (const r of await insertRowsOn(db, LEAD_ROWS, params)) out.set(text(r[1], 'leads.email').toLowerCase(), int(r[0], 'leads.id'));
  return out;
}

const NO_ATTRIBUTES = '{}';

/**
 * Insert one lead (into `campaignId`, else the built-in demo); returns its id, or null when the email is already in
 * the store. Call inside `store.tx`.
 */
export function insertLead(store: Store, lead: LeadRow, now: string, campaignId = DEMO_CAMPAIGN_ID): number | null {
  const result = store.stmt(INSERT).run(...leadParams(lead, now, campaignId));
  return Number(result.changes) === 1 ? Number(result.lastInsertRowid) : null;
}

const LEAD_ATTRIBUTES = 'SELECT attributes FROM leads WHERE id = ?';

/** A lead's custom attributes (column name → text), {} when it has none or is not in the store. */
export function leadAttributes(store: Store, id: number): Record<string, string> {
  const row = store.rows(LEAD_ATTRIBUTES).get(id);
  return row ? attributesFromText(text(row[0], 'attributes')) : {};
}

/** `leadAttributes` on either database. */
export async function leadAttributesOn(db: Db, id: number): Promise<Record<string, string>> {
  const row = await db.get(LEAD_ATTRIBUTES, [id]);
  return row ? attributesFromText(text(row[0], 'attributes')) : {};
}

/**
 * The attribute names the leads (of one status) carry, in the order leads first brought them: the extra columns
 * of an export. One pass over the table; empty, and quick, when no lead has any.
 */
export function attributeNames(store: Store, status?: LeadStatus, campaignId?: number): string[] {
  const rows = store
    .rows(
      // With one min(), SQLite takes the bare j.id from the row of the minimum: the key's place in its first lead.
      `SELECT j.key, min(leads.id) AS first_lead, j.id AS place FROM leads, json_each(leads.attributes) AS j
       WHERE leads.attributes != '${NO_ATTRIBUTES}' ${status ? 'AND leads.status = ?' : ''} ${campaignId === undefined ? '' : 'AND leads.campaign_id = ?'}
       GROUP BY j.key ORDER BY first_lead, place`,
    )
    .all(...(status ? [status] : []), ...(campaignId === undefined ? [] : [campaignId]));
  return rows.map((r) => text(r[0], 'key'));
}

/** The attributes column as an object: a JSON object of text values, as insertLead writes it. */
export function attributesFromText(cell: string): Record<string, string> {
  if (cell === NO_ATTRIBUTES) return {};
  const parsed: unknown = JSON.parse(cell);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  // fromEntries, not assignment: a column may be called "__proto__".
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export interface StoredLead extends Lead {
  companyDomain: string;
  statusReason: string | null;
  /** The campaign the lead belongs to (1: the built-in demo). */
  campaignId: number;
}

/** The leads table's one row mapper. */
export const LEADS = rowMapper<StoredLead>({
  id: ['id', int],
  email: ['email', text],
  firstName: ['first_name', text],
  lastName: ['last_name', text],
  title: ['title', text],
  company: ['company', text],
  companyDomain: ['company_domain', text],
  website: ['website', text],
  linkedinUrl: ['linkedin_url', text],
  industry: ['industry', text],
  country: ['country', text],
  timezone: ['timezone', text],
  synthetic: ['synthetic', flag],
  source: ['source', text],
  variant: ['variant', oneOf(VARIANTS)],
  status: ['status', oneOf(LEAD_STATUSES)],
  statusReason: ['status_reason', textOrNull],
  createdAt: ['created_at', text],
  updatedAt: ['updated_at', text],
  campaignId: ['campaign_id', int],
});

const COLUMNS = LEADS.columns;

const LEAD_BY_ID = `SELECT ${COLUMNS} FROM leads WHERE id = ?`;

export function getLead(store: Store, id: number): StoredLead | undefined {
  const row = store.rows(LEAD_BY_ID).get(id);
  return row && LEADS.from(row);
}

/** `getLead` on either database. */
export async function leadOn(db: Db, id: number): Promise<StoredLead | undefined> {
  const row = await db.get(LEAD_BY_ID, [id]);
  return row && LEADS.from(row);
}

/** Just the id of the lead with this email (case-insensitively), without reading the row. */
export function leadIdByEmail(store: Store, email: string): number | undefined {
  const row = store.stmt('SELECT id FROM leads WHERE email = ?').get(email);
  return row ? Number(row.id) : undefined;
}

/** `leadIdByEmail` on either database. */
export async function leadIdByEmailOn(db: Db, email: string): Promise<number | undefined> {
  const row = await db.get('SELECT id FROM leads WHERE email = ?', [email]);
  return row ? int(row[0], 'leads.id') : undefined;
}

export function getLeadByEmail(store: Store, email: string): StoredLead | undefined {
  const row = store.rows(LEAD_BY_EMAIL).get(email);
  return row && LEADS.from(row);
}

/** `getLeadByEmail` on either database. */
export async function leadByEmailOn(db: Db, email: string): Promise<StoredLead | undefined> {
  const row = await db.get(LEAD_BY_EMAIL, [email]);
  return row && LEADS.from(row);
}

const LEAD_BY_EMAIL = `SELECT ${COLUMNS} FROM leads WHERE email = ?`;

/**
 * The leads with these ids, in one statement (an n8n node's items name their leads; reading them one by one cost a
 * query each). Ids the store does not hold are absent from the map. The ids travel as one JSON array, so the
 * statement is prepared once whatever their number.
 */
export function leadsByIds(store: Store, ids: readonly number[]): Map<number, StoredLead> {
  return ids.length === 0 ? new Map() : leadMap(store.rows(leadsByIdsSql(store)).all(JSON.stringify(ids)));
}

/** `leadsByIds` on either database. */
export async function leadsByIdsOn(db: Db, ids: readonly number[]): Promise<Map<number, StoredLead>> {
  return ids.length === 0 ? new Map() : leadMap(await db.all(leadsByIdsSql(db), [JSON.stringify(ids)]));
}

const leadsByIdsSql = (db: Pick<Db, 'dialect'>) => `SELECT ${COLUMNS} FROM leads WHERE id IN ${inValues(db, 'int')}`;

function leadMap(rows: SqlValue[][]): Map<number, StoredLead> {
  const out = new Map<number, StoredLead>();
  for (const r of rows) {
    const lead = LEADS.from(r);
    out.set(lead.id, lead);
  }
  return out;
}

/** Which of these ids are leads in the store, in one statement, without reading their rows. */
export function knownLeadIds(store: Store, ids: readonly number[]): Set<number> {
  if (ids.length === 0) return new Set();
  const rows = store.rows(knownIdsSql(store)).all(JSON.stringify(ids));
  return new Set(rows.map((r) => int(r[0], 'leads.id')));
}

/** `knownLeadIds` on either database. */
export async function knownLeadIdsOn(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.all(knownIdsSql(db), [JSON.stringify(ids)]);
  return new Set(rows.map((r) => int(r[0], 'leads.id')));
}

const knownIdsSql = (db: Pick<Db, 'dialect'>) => `SELECT id FROM leads WHERE id IN ${inValues(db, 'int')}`;

/**
 * The ids of up to `limit` leads in `status` (of one campaign, and with `awaitingDryRun` only those a dry run has
 * not recorded yet), in id order: the batch a stage node takes from the store, on either database.
 */
export async function stageLeadIdsOn(db: Db, q: { status: LeadStatus; limit: number; campaignId?: number; awaitingDryRun?: boolean }): Promise<number[]> {
  const rows = await db.all(
    `SELECT id FROM leads WHERE status = ? ${q.campaignId === undefined ? '' : 'AND campaign_id = ?'} ${q.awaitingDryRun ? `AND ${NO_DRY_RUN_RECORD}` : ''}
     ORDER BY id LIMIT ?`,
    [q.status, ...(q.campaignId === undefined ? [] : [q.campaignId]), q.limit],
  );
  return rows.map((r) => int(r[0], 'leads.id'));
}

/**
 * The ids of the leads with these emails, in one statement, keyed by the email in lower case (the column compares
 * case-insensitively, as SQLite's NOCASE does: ASCII letters only).
 */
export function leadIdsByEmails(store: Store, emails: readonly string[]): Map<string, number> {
  return emails.length === 0 ? new Map() : idsByEmail(store.rows(idsByEmailsSql(store)).all(JSON.stringify(emails)));
}

/** `leadIdsByEmails` on either database. */
export async function leadIdsByEmailsOn(db: Db, emails: readonly string[]): Promise<Map<string, number>> {
  return emails.length === 0 ? new Map() : idsByEmail(await db.all(idsByEmailsSql(db), [JSON.stringify(emails)]));
}

const idsByEmailsSql = (db: Pick<Db, 'dialect'>) => `SELECT lower(email), id FROM leads WHERE email IN ${inValues(db, 'text')}`;

function idsByEmail(rows: SqlValue[][]): Map<string, number> {
  return new Map(rows.map((r) => [text(r[0], 'leads.email'), int(r[1], 'leads.id')]));
}

/** Keyset page of leads in one status, in id order, on either database: the unit of work of the AI-mode stages. */
export async function leadsInStatus(db: Db, status: LeadStatus, afterId: number, limit: number): Promise<StoredLead[]> {
  const rows = await db.all(`SELECT ${COLUMNS} FROM leads WHERE status = ? AND id > ? ORDER BY id LIMIT ?`, [status, afterId, limit]);
  return rows.map((r) => LEADS.from(r));
}

/** What the offline enrich and template personalize stages read of a lead: only the fields their rules and copy use. */
export interface StageLead {
  id: number;
  /** The lead's campaign (absent: the built-in demo, as for leads a streamed run makes). */
  campaignId?: number;
  email: string;
  firstName: string;
  title: string;
  company: string;
  industry: string;
  website: string;
  variant: Variant;
}

/**
 * `leadsInStatus` reading only a `StageLead`'s columns, named as its fields: a third of the per-row cost of the full
 * read, which the batch stages pay on every lead.
 */
export function stageLeadsInStatus(store: Store, status: LeadStatus, afterId: number, limit: number, campaignId?: number): StageLead[] {
  const rows =
    campaignId === undefined
      ? store.rows(`SELECT ${STAGE_LEADS.columns} FROM leads WHERE status = ? AND id > ? ORDER BY id LIMIT ?`).all(status, afterId, limit)
      : store
          .rows(`SELECT ${STAGE_LEADS.columns} FROM leads WHERE status = ? AND id > ? AND campaign_id = ? ORDER BY id LIMIT ?`)
          .all(status, afterId, campaignId, limit);
  return rows.map((r) => STAGE_LEADS.from(r));
}

const STAGE_LEADS = rowMapper<Required<StageLead>>({
  id: ['id', int],
  campaignId: ['campaign_id', int],
  email: ['email', text],
  firstName: ['first_name', text],
  title: ['title', text],
  company: ['company', text],
  industry: ['industry', text],
  website: ['website', text],
  variant: ['variant', oneOf(VARIANTS)],
});

/** The custom attributes of these leads, in one read; leads with none are absent. */
export function attributesOfLeads(store: Store, ids: readonly number[]): Map<number, Record<string, string>> {
  return ids.length === 0 ? new Map() : attributesById(store.rows(attributesOfSql(store)).all(JSON.stringify(ids)));
}

/** `attributesOfLeads` on either database. */
export async function attributesOfLeadsOn(db: Db, ids: readonly number[]): Promise<Map<number, Record<string, string>>> {
  return ids.length === 0 ? new Map() : attributesById(await db.all(attributesOfSql(db), [JSON.stringify(ids)]));
}

const attributesOfSql = (db: Pick<Db, 'dialect'>) => `SELECT id, attributes FROM leads WHERE id IN ${inValues(db, 'int')} AND attributes != '${NO_ATTRIBUTES}'`;

function attributesById(rows: SqlValue[][]): Map<number, Record<string, string>> {
  return new Map(rows.map((r) => [int(r[0], 'leads.id'), attributesFromText(text(r[1], 'leads.attributes'))]));
}

/** Whether the store holds any lead that was not generated (imported prospects: a store of real people). */
export function hasImportedLeads(store: Store): boolean {
  return store.stmt('SELECT 1 FROM leads WHERE synthetic = 0 LIMIT 1').get() !== undefined;
}

/**
 * A lead (`leads`) with no settled dry-run record of its first step: a dry run leaves its leads MESSAGED, so this is
 * what tells the ones a dry run still has to record (a row still queued counts as waiting) from the ones it did.
 */
export const NO_DRY_RUN_RECORD =
  "NOT EXISTS (SELECT 1 FROM sends s WHERE s.lead_id = leads.id AND s.dry_run = 1 AND s.step = 1 AND s.state NOT IN ('QUEUED', 'SENDING'))";

export interface LeadQuery {
  status?: LeadStatus;
  /**
   * Words a lead's name, email, company or title has: each word of the search matches the start of one of the
   * lead's words, and all must match, ignoring case and accents (lib/store/leadSearch.ts). Counted up to
   * `SEARCH_COUNT_CAP` matches.
   */
  search?: string;
  /** Only the leads of this campaign. */
  campaignId?: number;
  /**
   * Only leads a dry run has not recorded yet (a dry-run row still queued counts as waiting): what a dry-run send
   * from the store takes, since a dry run leaves its leads MESSAGED.
   */
  awaitingDryRun?: boolean;
  limit?: number;
  offset?: number;
  /**
   * Only leads after this id: the page that follows the one ending with this lead. A keyset page costs the same at
   * any depth, where an offset skips every lead before it.
   */
  afterId?: number;
  /** Only leads before this id: the page that precedes the one starting with this lead (still in id order). */
  beforeId?: number;
}

/** A page of `listLeads`. */
export interface LeadPage {
  /** Leads matching the query over all pages (not only past a cursor). */
  total: number;
  /** True when a search matched more than `SEARCH_COUNT_CAP` leads and `total` stopped there: "10,000+". */
  totalIsLowerBound: boolean;
  /** In id order. */
  leads: StoredLead[];
  /** Whether more leads match past this page in the direction read: after it, or before it for a `beforeId` page. */
  hasMore: boolean;
}

/** The WHERE parts of a query's filters other than the search and the cursor, over the `leads` table. */
function leadFilters(q: LeadQuery): { where: string[]; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.status) {
    where.push('leads.status = ?');
    params.push(q.status);
  }
  if (q.campaignId !== undefined) {
    where.push('leads.campaign_id = ?');
    params.push(q.campaignId);
  }
  if (q.awaitingDryRun) where.push(NO_DRY_RUN_RECORD);
  return { where, params };
}

/**
 * A page of leads in id order, filtered, searched, and paged by offset or by a cursor (`afterId` / `beforeId`). The
 * total of a search is counted up to `SEARCH_COUNT_CAP`; any other total comes from the tallies, exact and without a
 * scan (a count when only leads awaiting a dry run are asked for).
 */
export function listLeads(store: Store, q: LeadQuery = {}): LeadPage {
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  const match = q.search === undefined ? null : searchMatch(q.search);
  if (match === null) {
    const { where, params } = leadFilters(q);
    if (q.afterId !== undefined) {
      where.push('leads.id > ?');
      params.push(q.afterId);
    }
    if (q.beforeId !== undefined) {
      where.push('leads.id < ?');
      params.push(q.beforeId);
    }
    const clause = where.length ? 'WHERE ' + where.join(' AND ') : '';
    const rows = store
      .rows(`SELECT ${COLUMNS} FROM leads ${clause} ORDER BY leads.id ${q.beforeId !== undefined ? 'DESC' : ''} LIMIT ? OFFSET ?`)
      .all(...params, limit + 1, offset);
    return { ...pageOf(rows.map((r) => LEADS.from(r)), limit, q.beforeId !== undefined), total: countLeads(store, q), totalIsLowerBound: false };
  }
  return searchLeads(store, q, match, limit, offset);
}

/**
 * `listLeads` on either database. PostgreSQL keeps no search index: there each word of a search matches the start of
 * a word of the lead's name, email, company or title by a regular expression, case ignored but not accents (a scan
 * of the leads the other filters leave), and a total is a count of the rows.
 */
export async function listLeadsOf(store: AnyStore, q: LeadQuery = {}): Promise<LeadPage> {
  if (store.dialect === 'sqlite') return listLeads(store, q);
  const limit = q.limit ?? 50;
  const { where, params } = leadFilters(q);
  const words = q.search === undefined ? [] : searchWords(q.search);
  for (const word of words) {
    // The columns are compared under "C": a regular expression cannot use their case-blind collation.
    where.push(`(${SEARCHED.map((c) => `lower(leads.${c} COLLATE "C") ~ ?`).join(' OR ')})`);
    params.push(...SEARCHED.map(() => `\\m${word.toLowerCase().replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`));
  }
  const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const cap = q.search === undefined ? Number.MAX_SAFE_INTEGER : SEARCH_COUNT_CAP + 1;
  const counted = int((await store.get(`SELECT count(*) FROM (SELECT 1 FROM leads ${filtered} LIMIT ?) t`, [...params, cap]))![0], 'count(leads)');
  const cursor = [...where];
  if (q.afterId !== undefined) cursor.push('leads.id > ?');
  if (q.beforeId !== undefined) cursor.push('leads.id < ?');
  const rows = await store.all(
    `SELECT ${COLUMNS} FROM leads ${cursor.length ? `WHERE ${cursor.join(' AND ')}` : ''} ORDER BY leads.id ${q.beforeId !== undefined ? 'DESC' : ''} LIMIT ? OFFSET ?`,
    [...params, ...(q.afterId !== undefined ? [q.afterId] : []), ...(q.beforeId !== undefined ? [q.beforeId] : []), limit + 1, q.offset ?? 0],
  );
  return {
    ...pageOf(rows.map((r) => LEADS.from(r)), limit, q.beforeId !== undefined),
    total: Math.min(counted, q.search === undefined ? counted : SEARCH_COUNT_CAP),
    totalIsLowerBound: counted > SEARCH_COUNT_CAP && q.search !== undefined,
  };
}
/** The lead columns a search reads. */
const SEARCHED = ['first_name', 'last_name', 'email', 'company', 'title'];

/** The first `limit` of `read` (one more was read, to tell whether there are more), in id order. */
function pageOf(read: StoredLead[], limit: number, backward: boolean): { leads: StoredLead[]; hasMore: boolean } {
  const leads = read.slice(0, limit);
  return { leads: backward ? leads.reverse() : leads, hasMore: read.length > limit };
}

/** Leads matching a query's filters: the tallies' figure (a few rows) unless only those awaiting a dry run count. */
function countLeads(store: Store, q: LeadQuery): number {
  if (q.awaitingDryRun) {
    const { where, params } = leadFilters(q);
    return int(store.rows(`SELECT count(*) FROM leads WHERE ${where.join(' AND ')}`).get(...params)?.[0] ?? 0, 'count(leads)');
  }
  return sumTallies(readTallies(store, q.campaignId), 'lead', q.status);
}

/** One index a search reads: `lead_search` (leads up to the mark) or this connection's index of those past it. */
interface SearchPart {
  table: string;
  /** Its share of the ids, with the mark as parameter. */
  bound: string;
}

const INDEXED: SearchPart = { table: 'lead_search', bound: 's.rowid <= ?' };
const UNINDEXED: SearchPart = { table: UNINDEXED_TABLE, bound: 's.rowid > ?' };

/**
 * A search page: the index's matches and, when some leads were added without indexing them, this connection's
 * temporary index of those — every id in the second above every id in the first, so a page reads the first part
 * then the second (the reverse for a `beforeId` page), and the total adds them up.
 */
function searchLeads(store: Store, q: LeadQuery, match: string, limit: number, offset: number): LeadPage {
  const { indexedThrough, maxLeadId } = searchCoverage(store);
  const filters = leadFilters(q);
  /** The FROM and WHERE of one part's matches, with their parameters; `cursor`: with the page's afterId / beforeId. */
  const matches = (part: SearchPart, cursor: boolean) => {
    const where = ['s.text MATCH ?', part.bound, ...filters.where];
    const params: (string | number)[] = [match, indexedThrough, ...filters.params];
    if (cursor && q.afterId !== undefined) {
      where.push('s.rowid > ?');
      params.push(q.afterId);
    }
    if (cursor && q.beforeId !== undefined) {
      where.push('s.rowid < ?');
      params.push(q.beforeId);
    }
    // CROSS JOIN keeps the index as the outer loop: a planner that drove from leads_by_status instead would run the
    // full-text query once per lead of that status (seen: 10 s for 10,000 leads on SQLite 3.50).
    return { sql: `FROM ${part.table} s CROSS JOIN leads ON leads.id = s.rowid WHERE ${where.join(' AND ')}`, params };
  };
  /** How many of one part's matches there are, counting no further than `upTo`. */
  const countUpTo = (m: { sql: string; params: (string | number)[] }, upTo: number) =>
    int(store.rows(`SELECT count(*) FROM (SELECT 1 ${m.sql} LIMIT ?)`).get(...m.params, upTo)?.[0] ?? 0, 'count(lead_search)');

  const read = (parts: SearchPart[]): LeadPage => {
    let counted = 0;
    for (const part of parts) {
      if (counted > SEARCH_COUNT_CAP) break;
      counted += countUpTo(matches(part, false), SEARCH_COUNT_CAP + 1 - counted);
    }
    const backward = q.beforeId !== undefined;
    const found: StoredLead[] = [];
    let skip = offset;
    for (const part of backward ? [...parts].reverse() : parts) {
      const need = limit + 1 - found.length;
      if (need <= 0) break;
      const m = matches(part, true);
      const rows = store.rows(`SELECT ${LEADS.select('leads')} ${m.sql} ORDER BY s.rowid ${backward ? 'DESC' : ''} LIMIT ? OFFSET ?`).all(...m.params, need, skip);
      found.push(...rows.map((r) => LEADS.from(r)));
      // An offset past this part's matches goes on into the next part, less what this one held.
      skip = rows.length > 0 ? 0 : skip - countUpTo(m, skip);
    }
    return { ...pageOf(found, limit, backward), total: Math.min(counted, SEARCH_COUNT_CAP), totalIsLowerBound: counted > SEARCH_COUNT_CAP };
  };
  if (maxLeadId <= indexedThrough) return read([INDEXED]);
  return withUnindexedLeads(store, indexedThrough, () => read([INDEXED, UNINDEXED]));
}

/** Rows per page of `iterateLeads`. */
const LEAD_PAGE = 1_000;

/**
 * Stream every lead (optionally of one status, of one campaign) without holding them in memory. Pages by id rather
 * than keeping one statement open: an open SQLite iterator blocks every other statement on its connection, and the
 * caller (an export to a slow client) awaits between rows while the same connection serves everything else. A lead
 * added during the walk is included when its id is past the page being read.
 */
export function* iterateLeads(store: Store, status?: LeadStatus, campaignId?: number): Generator<StoredLead> {
  let after = 0;
  const where = [status ? 'status = ?' : '', campaignId === undefined ? '' : 'campaign_id = ?', 'id > ?'].filter(Boolean).join(' AND ');
  const page = store.rows(`SELECT ${COLUMNS} FROM leads WHERE ${where} ORDER BY id LIMIT ?`);
  for (;;) {
    const rows = page.all(...(status ? [status] : []), ...(campaignId === undefined ? [] : [campaignId]), after, LEAD_PAGE);
    let last: StoredLead | undefined;
    for (const r of rows) yield (last = LEADS.from(r));
    if (rows.length < LEAD_PAGE || !last) return;
    after = last.id;
  }
}

/** `iterateLeads` on either database, a page of up to `LEAD_PAGE` leads at a time. */
export async function* leadPagesOf(db: Db, status?: LeadStatus, campaignId?: number): AsyncGenerator<StoredLead[]> {
  let after = 0;
  const where = [status ? 'status = ?' : '', campaignId === undefined ? '' : 'campaign_id = ?', 'id > ?'].filter(Boolean).join(' AND ');
  for (;;) {
    const rows = await db.all(`SELECT ${COLUMNS} FROM leads WHERE ${where} ORDER BY id LIMIT ?`, [
      ...(status ? [status] : []), ...(campaignId === undefined ? [] : [campaignId]), after, LEAD_PAGE,
    ]);
    if (rows.length === 0) return;
    const page = rows.map((r) => LEADS.from(r));
    yield page;
    if (rows.length < LEAD_PAGE) return;
    after = page[page.length - 1].id;
  }
}

/** `attributeNames` on either database (PostgreSQL reads each lead's attributes as json, which keeps their order). */
export async function attributeNamesOf(store: AnyStore, status?: LeadStatus, campaignId?: number): Promise<string[]> {
  if (store.dialect === 'sqlite') return attributeNames(store, status, campaignId);
  const rows = await store.all(
    `SELECT key FROM (
       SELECT DISTINCT ON (j.key) j.key, leads.id, j.place FROM leads, json_each(leads.attributes::json) WITH ORDINALITY AS j (key, value, place)
       WHERE leads.attributes <> '${NO_ATTRIBUTES}' ${status ? 'AND leads.status = ?' : ''} ${campaignId === undefined ? '' : 'AND leads.campaign_id = ?'}
       ORDER BY j.key, leads.id, j.place) firsts
     ORDER BY id, place`,
    [...(status ? [status] : []), ...(campaignId === undefined ? [] : [campaignId])],
  );
  return rows.map((r) => text(r[0], 'key'));
}

/** Leads by status, of the whole store or of one campaign: from the tallies (lib/store/tallies.ts), a few rows. */
export function countLeadsByStatus(store: Store, campaignId?: number): Record<string, number> {
  return Object.fromEntries(groupTallies(readTallies(store, campaignId), 1, 'lead'));
}
