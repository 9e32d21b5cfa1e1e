/** The enrichments table: one enrichment per lead, with per-field provenance, stored as JSON where it is a list. */
import type { Enrichment, EnrichmentFields } from '../types';
import type { Store, SqlValue } from './store';
import { insertRows, insertRowsOn, type MultiRowInsert } from './multiRow';
import { inValues, type Db } from './db';
import { int, jsonOf, oneOf, real, rowMapper, text } from './rowMapper';
import { COMPANY_SIZES } from '../enrich/companySize';
import { SENIORITIES } from '../enrich/seniority';

const ENRICHMENT_ROWS: MultiRowInsert = {
  head: `INSERT INTO enrichments (lead_id, company_size, persona, seniority, pain_points, buying_triggers, confidence,
         provenance, source, created_at)`,
  row: '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  tail: `ON CONFLICT (lead_id) DO UPDATE SET company_size = excluded.company_size, persona = excluded.persona,
         seniority = excluded.seniority, pain_points = excluded.pain_points, buying_triggers = excluded.buying_triggers,
         confidence = excluded.confidence, provenance = excluded.provenance, source = excluded.source,
         created_at = excluded.created_at`,
  width: 10,
};

/** Save (or replace) a batch of enrichments in a few multi-row statements. Call inside `store.tx`. */
/** Save (or replace) one lead's enrichment. Call inside `store.tx`. */
export function saveEnrichment(store: Store, leadId: number, enrichment: Enrichment, now: string): void {
  saveEnrichments(store, [{ leadId, enrichment }], now);
}

export function saveEnrichments(store: Store, items: readonly { leadId: number; enrichment: Enrichment }[], now: string): void {
  insertRows(store, ENRICHMENT_ROWS, enrichmentParams(items, now));
}

/** `saveEnrichments` on either database, inside its transaction. */
export async function saveEnrichmentsOn(db: Db, items: readonly { leadId: number; enrichment: Enrichment }[], now: string): Promise<void> {
  await insertRowsOn(db, ENRICHMENT_ROWS, enrichmentParams(items, now));
}

function enrichmentParams(items: readonly { leadId: number; enrichment: Enrichment }[], now: string): SqlValue[] {
  const params: SqlValue[] = [];
  for (const { leadId, enrichment: e } of items) {
    params.push(
      leadId,
      e.companySize,
      e.persona,
      e.seniority,
      JSON.stringify(e.painPoints),
      JSON.stringify(e.buyingTriggers),
      e.confidence,
      JSON.stringify(e.provenance),
      e.source,
      now,
    );
  }
  return params;
}

/** A JSON array of sentences (pain points, buying triggers), as saveEnrichments stored it. */
const sentences = jsonOf<string[]>();

/**
 * The enrichments table's one row mapper. `lead_id` is read on its own (the maps below are keyed by it) and
 * `created_at` is not read; the lists and the provenance are JSON, parsed here.
 */
export const ENRICHMENTS = rowMapper<Enrichment>({
  companySize: ['company_size', oneOf(COMPANY_SIZES)],
  persona: ['persona', text],
  seniority: ['seniority', oneOf(SENIORITIES)],
  painPoints: ['pain_points', sentences],
  buyingTriggers: ['buying_triggers', sentences],
  confidence: ['confidence', real],
  provenance: ['provenance', jsonOf<Enrichment['provenance']>()],
  source: ['source', text],
});

export function getEnrichment(store: Store, leadId: number): Enrichment | undefined {
  const row = store.rows(`SELECT ${ENRICHMENTS.columns} FROM enrichments WHERE lead_id = ?`).get(leadId);
  return row && ENRICHMENTS.from(row);
}

/** Enrichments for a keyset page of lead ids, in one query. */
export function enrichmentsFor(store: Store, firstId: number, lastId: number): Map<number, Enrichment> {
  const out = new Map<number, Enrichment>();
  for (const r of store.rows(`SELECT lead_id, ${ENRICHMENTS.columns} FROM enrichments WHERE lead_id BETWEEN ? AND ?`).all(firstId, lastId)) {
    out.set(int(r[0], 'enrichments.lead_id'), ENRICHMENTS.at(r, 1));
  }
  return out;
}

/** The enrichments of these leads (any ids, not a keyset page), in one statement. */
export function enrichmentsOf(store: Store, leadIds: readonly number[]): Map<number, Enrichment> {
  return leadIds.length === 0 ? new Map() : byLead(store.rows(enrichmentsOfSql(store)).all(JSON.stringify(leadIds)), ENRICHMENTS);
}

/** `enrichmentsOf` on either database. */
export async function enrichmentsOfOn(db: Db, leadIds: readonly number[]): Promise<Map<number, Enrichment>> {
  return leadIds.length === 0 ? new Map() : byLead(await db.all(enrichmentsOfSql(db), [JSON.stringify(leadIds)]), ENRICHMENTS);
}

const enrichmentsOfSql = (db: Pick<Db, 'dialect'>) => `SELECT lead_id, ${ENRICHMENTS.columns} FROM enrichments WHERE lead_id IN ${inValues(db, 'int')}`;

/** Rows of `lead_id, …mapper's columns`, by lead. */
function byLead<T>(rows: SqlValue[][], mapper: { at(cells: SqlValue[], offset: number): T }): Map<number, T> {
  const out = new Map<number, T>();
  for (const r of rows) out.set(int(r[0], 'enrichments.lead_id'), mapper.at(r, 1));
  return out;
}

export type TalkingPointFields = Pick<EnrichmentFields, 'painPoints' | 'buyingTriggers'>;

/** What template copy reads of an enrichment: its two lists, without the provenance and scores it never uses. */
export const TALKING_POINTS = rowMapper<TalkingPointFields>({
  painPoints: ['pain_points', sentences],
  buyingTriggers: ['buying_triggers', sentences],
});

/**
 * The two lists a message is written from, for a keyset page of lead ids: `enrichmentsFor` without reading and
 * parsing what template copy never uses (provenance, scores).
 */
export function talkingPointFieldsFor(store: Store, firstId: number, lastId: number): Map<number, TalkingPointFields> {
  const out = new Map<number, TalkingPointFields>();
  const rows = store
    .rows(`SELECT lead_id, ${TALKING_POINTS.columns} FROM enrichments WHERE lead_id BETWEEN ? AND ?`)
    .all(firstId, lastId);
  for (const r of rows) out.set(int(r[0], 'enrichments.lead_id'), TALKING_POINTS.at(r, 1));
  return out;
}

/** `talkingPointFieldsFor` for these leads (any ids, not a keyset page), in one statement. */
export function talkingPointFieldsOf(store: Store, leadIds: readonly number[]): Map<number, TalkingPointFields> {
  return leadIds.length === 0 ? new Map() : byLead(store.rows(talkingPointsOfSql(store)).all(JSON.stringify(leadIds)), TALKING_POINTS);
}

/** `talkingPointFieldsOf` on either database. */
export async function talkingPointFieldsOfOn(db: Db, leadIds: readonly number[]): Promise<Map<number, TalkingPointFields>> {
  return leadIds.length === 0 ? new Map() : byLead(await db.all(talkingPointsOfSql(db), [JSON.stringify(leadIds)]), TALKING_POINTS);
}

const talkingPointsOfSql = (db: Pick<Db, 'dialect'>) => `SELECT lead_id, ${TALKING_POINTS.columns} FROM enrichments WHERE lead_id IN ${inValues(db, 'int')}`;
