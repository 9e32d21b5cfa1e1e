/** The enrichments table: one enrichment per lead, with per-field provenance, stored as JSON where it is a list. */
import type { Enrichment, EnrichmentFields } from '../types';
import type { Store, SqlValue } from './store';
import { insertRows, type MultiRowInsert } from './multiRow';
import { int, text } from './rowMapper';

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
  insertRows(store, ENRICHMENT_ROWS, params);
}

export function enrichmentFromRow(r: Record<string, unknown>): Enrichment {
  return {
    companySize: r.company_size as Enrichment['companySize'],
    persona: r.persona as string,
    seniority: r.seniority as Enrichment['seniority'],
    painPoints: JSON.parse(r.pain_points as string) as string[],
    buyingTriggers: JSON.parse(r.buying_triggers as string) as string[],
    confidence: r.confidence as number,
    provenance: JSON.parse(r.provenance as string) as Enrichment['provenance'],
    source: r.source as string,
  };
}

export function getEnrichment(store: Store, leadId: number): Enrichment | undefined {
  const row = store.stmt('SELECT * FROM enrichments WHERE lead_id = ?').get(leadId);
  return row && enrichmentFromRow(row);
}

/** Enrichments for a keyset page of lead ids, in one query. */
export function enrichmentsFor(store: Store, firstId: number, lastId: number): Map<number, Enrichment> {
  const out = new Map<number, Enrichment>();
  for (const r of store.stmt('SELECT * FROM enrichments WHERE lead_id BETWEEN ? AND ?').all(firstId, lastId)) {
    out.set(r.lead_id as number, enrichmentFromRow(r));
  }
  return out;
}

/** The enrichments of these leads (any ids, not a keyset page), in one statement. */
export function enrichmentsOf(store: Store, leadIds: readonly number[]): Map<number, Enrichment> {
  const out = new Map<number, Enrichment>();
  if (leadIds.length === 0) return out;
  for (const r of store.stmt('SELECT * FROM enrichments WHERE lead_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(leadIds))) {
    out.set(r.lead_id as number, enrichmentFromRow(r));
  }
  return out;
}

export type TalkingPointFields = Pick<EnrichmentFields, 'painPoints' | 'buyingTriggers'>;

/**
 * The two lists a message is written from, for a keyset page of lead ids: `enrichmentsFor` without reading and
 * parsing what template copy never uses (provenance, scores).
 */
export function talkingPointFieldsFor(store: Store, firstId: number, lastId: number): Map<number, TalkingPointFields> {
  const out = new Map<number, TalkingPointFields>();
  const rows = store
    .stmt('SELECT lead_id, pain_points, buying_triggers FROM enrichments WHERE lead_id BETWEEN ? AND ?')
    .all(firstId, lastId);
  for (const r of rows) {
    out.set(r.lead_id as number, {
      painPoints: JSON.parse(r.pain_points as string) as string[],
      buyingTriggers: JSON.parse(r.buying_triggers as string) as string[],
    });
  }
  return out;
}

/** `talkingPointFieldsFor` for these leads (any ids, not a keyset page), in one statement. */
export function talkingPointFieldsOf(store: Store, leadIds: readonly number[]): Map<number, TalkingPointFields> {
  const out = new Map<number, TalkingPointFields>();
  if (leadIds.length === 0) return out;
  const rows = store
    .rows('SELECT lead_id, pain_points, buying_triggers FROM enrichments WHERE lead_id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(leadIds));
  for (const r of rows) {
    out.set(int(r[0], 'enrichments.lead_id'), {
      painPoints: JSON.parse(text(r[1], 'enrichments.pain_points')) as string[],
      buyingTriggers: JSON.parse(text(r[2], 'enrichments.buying_triggers')) as string[],
    });
  }
  return out;
}
