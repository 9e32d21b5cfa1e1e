/**
 * Tallies: the store's counts kept as rows, so a funnel, a status count or the A/B report's denominators are a few
 * rows to read instead of a scan of every lead, message and ledger row (issue "A million leads, instantly readable").
 *
 * One row per (campaign, key) holds a count. Triggers keep them in the same transaction as the write they count —
 * whichever process writes (the CLI, n8n, the MCP server, the page, a person with the sqlite3 shell) — so a tally can
 * never be ahead of or behind its rows, across kills and concurrent writers alike. Children (enrichments, messages,
 * sends) are counted under their lead's campaign, as the metrics read them; a lead that changes campaign or variant
 * carries its children's counts along, and a deleted lead takes them away with it.
 *
 * Keys (`:`-separated):
 *   lead:<status>:<variant>:<synthetic>   leads
 *   enriched                              enrichments
 *   message:<channel>:<variant>           messages
 *   messaged                              leads with at least one message
 *   send:<state>:<dry_run>:<channel>      ledger rows
 *   sentLead:<dry_run>:<variant>          leads with at least one SENT ledger row of that mode (variant: the lead's)
 *   sentStep:<dry_run>:<variant>:<step>   leads with at least one SENT ledger row of that mode at that step
 *
 * `recount()` counts the same from the rows themselves: the migration fills the table with it, and
 * `leadflow doctor --store` compares (`tallyDrift`) and, asked to, rebuilds (`rebuildTallies`) with it if a tally ever
 * drifts — say, a row written with the triggers dropped. The triggers and `recount()` are schema v12 as released:
 * change them only through a new migration that replaces the triggers and recounts.
 */
import type { SqlValue, Store } from './store';
import type { Db } from './db';
import { int, text } from './rowMapper';

/**
 * Every tally, counted from the rows: (campaign_id, key, n), of the leads `where` picks (a condition on `l`, the
 * leads; its parameters repeat once per `?` in the whole statement, all the same value) or of every lead.
 * `join` is SQLite's `CROSS JOIN` (an inner join that keeps SQLite walking from the leads: a batch's are a range of
 * ids) or a plain `JOIN` for PostgreSQL, which plans its own.
 */
function recount(where = '', join = 'CROSS JOIN'): string {
  // Each table is read once, walking from the leads to each lead's own rows through the lead_id indexes.
  const of = where ? `WHERE ${where}` : '';
  return `
  WITH m AS MATERIALIZED (SELECT l.campaign_id, m.lead_id, m.channel, m.variant FROM leads l ${join} messages m ON m.lead_id = l.id ${of}),
       s AS MATERIALIZED (SELECT l.campaign_id, l.variant, s.lead_id, s.state, s.dry_run, s.channel, s.step FROM leads l ${join} sends s ON s.lead_id = l.id ${of})
  SELECT campaign_id, 'lead:' || status || ':' || variant || ':' || synthetic AS key, count(*) AS n FROM leads l ${of} GROUP BY 1, 2
  UNION ALL
  SELECT l.campaign_id, 'enriched', count(*) FROM leads l ${join} enrichments e ON e.lead_id = l.id ${of} GROUP BY 1
  UNION ALL
  SELECT campaign_id, 'message:' || channel || ':' || variant, count(*) FROM m GROUP BY 1, 2
  UNION ALL
  SELECT campaign_id, 'messaged', count(DISTINCT lead_id) FROM m GROUP BY 1
  UNION ALL
  SELECT campaign_id, 'send:' || state || ':' || dry_run || ':' || channel, count(*) FROM s GROUP BY 1, 2
  UNION ALL
  SELECT campaign_id, 'sentLead:' || dry_run || ':' || variant, count(DISTINCT lead_id) FROM s WHERE state = 'SENT' GROUP BY 1, 2
  UNION ALL
  SELECT campaign_id, 'sentStep:' || dry_run || ':' || variant || ':' || step, count(DISTINCT lead_id) FROM s WHERE state = 'SENT' GROUP BY 1, 2`;
}
const RECOUNT = recount();

/**
 * Whether the triggers count (a row in `tally_hold` holds them back): see `tallyNewLeads`. The hold is only ever
 * written and deleted inside one transaction, so another connection never sees it.
 */
const COUNTING = 'NOT EXISTS (SELECT 1 FROM tally_hold)';

/**
 * What one lead's children add to the tallies, for a lead of variant `v`: `lead` and `v` are SQL expressions
 * (OLD.id / OLD.variant in a trigger). Used to carry them when a lead changes campaign or variant.
 */
function childrenOf(lead: string, v: string): string {
  return `
    SELECT 'enriched' AS key, count(*) AS n FROM enrichments WHERE lead_id = ${lead} HAVING count(*) > 0
    UNION ALL SELECT 'message:' || channel || ':' || variant, count(*) FROM messages WHERE lead_id = ${lead} GROUP BY 1
    UNION ALL SELECT 'messaged', 1 WHERE EXISTS (SELECT 1 FROM messages WHERE lead_id = ${lead})
    UNION ALL SELECT 'send:' || state || ':' || dry_run || ':' || channel, count(*) FROM sends WHERE lead_id = ${lead} GROUP BY 1
    UNION ALL SELECT DISTINCT 'sentLead:' || dry_run || ':' || ${v}, 1 FROM sends WHERE lead_id = ${lead} AND +state = 'SENT'
    UNION ALL SELECT DISTINCT 'sentStep:' || dry_run || ':' || ${v} || ':' || step, 1 FROM sends WHERE lead_id = ${lead} AND +state = 'SENT'`;
}

const UPSERT = 'ON CONFLICT (campaign_id, key) DO UPDATE SET n = n + excluded.n';

/**
 * Another SENT row of this send's lead and mode (at this step, when `step`), besides the row itself. The unary `+`s
 * keep SQLite on the lead's own rows (the unique (lead_id, …) index): left to itself it may walk sends_by_state, every
 * SENT row in the store, once per row written.
 */
const otherSent = (row: 'NEW' | 'OLD', step: boolean) =>
  `EXISTS (SELECT 1 FROM sends o WHERE o.lead_id = ${row}.lead_id AND +o.dry_run = ${row}.dry_run ${step ? `AND +o.step = ${row}.step` : ''}
           AND +o.state = 'SENT' AND +o.id <> ${row}.id)`;

/** The tallies one ledger row adds (`sign` 1) or takes away (-1), with the leads-reached counts it starts or ends. */
function sendRow(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  return `
    INSERT INTO tallies (campaign_id, key, n)
    SELECT l.campaign_id, 'send:' || ${row}.state || ':' || ${row}.dry_run || ':' || ${row}.channel, ${sign} FROM leads l WHERE l.id = ${row}.lead_id
    UNION ALL
    SELECT l.campaign_id, 'sentLead:' || ${row}.dry_run || ':' || l.variant, ${sign} FROM leads l
    WHERE l.id = ${row}.lead_id AND ${row}.state = 'SENT' AND NOT ${otherSent(row, false)}
    UNION ALL
    SELECT l.campaign_id, 'sentStep:' || ${row}.dry_run || ':' || l.variant || ':' || ${row}.step, ${sign} FROM leads l
    WHERE l.id = ${row}.lead_id AND ${row}.state = 'SENT' AND NOT ${otherSent(row, true)}
    ${UPSERT};`;
}

/** The tallies one message adds or takes away, with the messaged lead it starts or ends. */
function messageRow(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  return `
    INSERT INTO tallies (campaign_id, key, n)
    SELECT l.campaign_id, 'message:' || ${row}.channel || ':' || ${row}.variant, ${sign} FROM leads l WHERE l.id = ${row}.lead_id
    UNION ALL
    SELECT l.campaign_id, 'messaged', ${sign} FROM leads l
    WHERE l.id = ${row}.lead_id AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.lead_id = ${row}.lead_id AND +o.id <> ${row}.id)
    ${UPSERT};`;
}

/** Schema v12: the tallies, their triggers, and the counts of the rows already there. */
export const TALLIES_MIGRATION = `
  CREATE TABLE tallies (
    campaign_id INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, key)
  ) WITHOUT ROWID;
  CREATE TABLE tally_hold (held INTEGER PRIMARY KEY CHECK (held = 1));

  CREATE TRIGGER tallies_lead_insert AFTER INSERT ON leads WHEN ${COUNTING} BEGIN
    INSERT INTO tallies (campaign_id, key, n) VALUES (NEW.campaign_id, 'lead:' || NEW.status || ':' || NEW.variant || ':' || NEW.synthetic, 1) ${UPSERT};
  END;
  CREATE TRIGGER tallies_lead_update AFTER UPDATE OF status, variant, synthetic, campaign_id ON leads
  WHEN (OLD.status IS NOT NEW.status OR OLD.variant IS NOT NEW.variant OR OLD.synthetic IS NOT NEW.synthetic OR OLD.campaign_id IS NOT NEW.campaign_id)
    AND ${COUNTING}
  BEGIN
    INSERT INTO tallies (campaign_id, key, n)
    VALUES (OLD.campaign_id, 'lead:' || OLD.status || ':' || OLD.variant || ':' || OLD.synthetic, -1),
           (NEW.campaign_id, 'lead:' || NEW.status || ':' || NEW.variant || ':' || NEW.synthetic, 1)
    ${UPSERT};
  END;
  -- A lead that changes campaign or variant takes its children's counts along.
  CREATE TRIGGER tallies_lead_move AFTER UPDATE OF variant, campaign_id ON leads
  WHEN (OLD.variant IS NOT NEW.variant OR OLD.campaign_id IS NOT NEW.campaign_id) AND ${COUNTING}
  BEGIN
    INSERT INTO tallies (campaign_id, key, n) SELECT OLD.campaign_id, key, -n FROM (${childrenOf('OLD.id', 'OLD.variant')}) WHERE true ${UPSERT};
    INSERT INTO tallies (campaign_id, key, n) SELECT NEW.campaign_id, key, n FROM (${childrenOf('NEW.id', 'NEW.variant')}) WHERE true ${UPSERT};
  END;
  -- A deleted lead's rows are counted out with it, while it is still there to say its campaign: the cascade that
  -- deletes them runs after the lead is gone, when their own triggers find no lead and count nothing (and where
  -- foreign keys are off, rows left without a lead are counted by nobody, as the recount does).
  CREATE TRIGGER tallies_lead_delete_children BEFORE DELETE ON leads WHEN ${COUNTING} BEGIN
    INSERT INTO tallies (campaign_id, key, n) SELECT OLD.campaign_id, key, -n FROM (${childrenOf('OLD.id', 'OLD.variant')}) WHERE true ${UPSERT};
  END;
  CREATE TRIGGER tallies_lead_delete AFTER DELETE ON leads WHEN ${COUNTING} BEGIN
    INSERT INTO tallies (campaign_id, key, n) VALUES (OLD.campaign_id, 'lead:' || OLD.status || ':' || OLD.variant || ':' || OLD.synthetic, -1) ${UPSERT};
  END;

  CREATE TRIGGER tallies_enrichment_insert AFTER INSERT ON enrichments WHEN ${COUNTING} BEGIN
    INSERT INTO tallies (campaign_id, key, n) SELECT campaign_id, 'enriched', 1 FROM leads WHERE id = NEW.lead_id ${UPSERT};
  END;
  CREATE TRIGGER tallies_enrichment_delete AFTER DELETE ON enrichments WHEN ${COUNTING} BEGIN
    INSERT INTO tallies (campaign_id, key, n) SELECT campaign_id, 'enriched', -1 FROM leads WHERE id = OLD.lead_id ${UPSERT};
  END;

  CREATE TRIGGER tallies_message_insert AFTER INSERT ON messages WHEN ${COUNTING} BEGIN ${messageRow('NEW', 1)} END;
  CREATE TRIGGER tallies_message_delete AFTER DELETE ON messages WHEN ${COUNTING} BEGIN ${messageRow('OLD', -1)} END;
  CREATE TRIGGER tallies_message_update AFTER UPDATE OF lead_id, channel, variant ON messages
  WHEN (OLD.lead_id IS NOT NEW.lead_id OR OLD.channel IS NOT NEW.channel OR OLD.variant IS NOT NEW.variant) AND ${COUNTING}
  BEGIN ${messageRow('OLD', -1)} ${messageRow('NEW', 1)} END;

  CREATE TRIGGER tallies_send_insert AFTER INSERT ON sends WHEN ${COUNTING} BEGIN ${sendRow('NEW', 1)} END;
  CREATE TRIGGER tallies_send_delete AFTER DELETE ON sends WHEN ${COUNTING} BEGIN ${sendRow('OLD', -1)} END;
  CREATE TRIGGER tallies_send_update AFTER UPDATE OF state, lead_id, dry_run, channel, step ON sends
  WHEN (OLD.state IS NOT NEW.state OR OLD.lead_id IS NOT NEW.lead_id OR OLD.dry_run IS NOT NEW.dry_run
    OR OLD.channel IS NOT NEW.channel OR OLD.step IS NOT NEW.step) AND ${COUNTING}
  BEGIN ${sendRow('OLD', -1)} ${sendRow('NEW', 1)} END;

  INSERT INTO tallies (campaign_id, key, n) SELECT campaign_id, key, n FROM (${RECOUNT}) WHERE true;
`;

/**
 * Run `fn` — which creates leads and writes rows of those leads only (the pipeline's streamed batch: insert, enrich,
 * personalize, record the dry run, move their statuses) — with the row-by-row triggers held back, then count what it
 * wrote in one pass over the new leads' rows: the same tallies for about a third of the triggers' cost on such a
 * batch (bench/README.md). Call inside `store.tx`. The count is taken even when `fn` throws, so a caller that goes on
 * in the same transaction keeps exact tallies; one that rolls back takes the count back with the rows. (Not a
 * savepoint: one open for a whole batch makes SQLite copy every page the batch touches to its statement journal.)
 */
export function tallyNewLeads<T>(store: Store, fn: () => T): T {
  const before = int(store.rows("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'leads'), 0)").get()![0], 'sqlite_sequence.seq');
  const count = () => {
    store.exec('DELETE FROM tally_hold');
    store.stmt(`INSERT INTO tallies (campaign_id, key, n) SELECT campaign_id, key, n FROM (${NEW_LEADS}) WHERE true ${UPSERT}`).run(...Array<number>(NEW_LEADS_PARAMS).fill(before));
  };
  store.exec('INSERT INTO tally_hold (held) VALUES (1)');
  let result: T;
  try {
    result = fn();
  } catch (err) {
    try {
      count();
    } catch {
      // The transaction may be gone already (SQLite rolls some errors back itself), taking the hold with it: the
      // first error is the one to report.
    }
    throw err;
  }
  count();
  return result;
}
const NEW_LEADS = recount('l.id > ?');
const NEW_LEADS_PARAMS = NEW_LEADS.split('?').length - 1;

/** Tallies by key: the whole store's (summed over campaigns) or one campaign's. Zero counts are left out. */
export function readTallies(store: Store, campaignId?: number): Map<string, number> {
  return tallyMap(
    campaignId === undefined
      ? store.rows('SELECT key, sum(n) FROM tallies GROUP BY key').all()
      : store.rows('SELECT key, n FROM tallies WHERE campaign_id = ?').all(campaignId),
  );
}

/** (key, n) rows as a map, zero counts left out. */
function tallyMap(rows: readonly (readonly SqlValue[])[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const n = int(r[1], 'tallies.n');
    if (n !== 0) out.set(text(r[0], 'tallies.key'), n);
  }
  return out;
}

/** (campaign_id, key, n) rows as maps by campaign, then key, zero counts left out. */
function byCampaign(rows: readonly (readonly SqlValue[])[]): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  for (const r of rows) {
    const n = int(r[2], 'tallies.n');
    if (n === 0) continue;
    const id = int(r[0], 'tallies.campaign_id');
    const of = out.get(id) ?? new Map<string, number>();
    of.set(text(r[1], 'tallies.key'), n);
    out.set(id, of);
  }
  return out;
}

/**
 * The PostgreSQL store keeps no tallies (its triggers would serialise every worker's writes on a few hot counter
 * rows): its reads count the same keys from the rows, one pass over the campaign's leads and their rows (about
 * 1.6 s for the whole store's funnel at 100k leads, against SQLite's 0.6 ms: bench/README.md).
 */
const PG_RECOUNT = recount('', 'JOIN');
const PG_RECOUNT_OF_CAMPAIGN = recount('l.campaign_id = ?', 'JOIN');
const PG_RECOUNT_OF_CAMPAIGN_PARAMS = PG_RECOUNT_OF_CAMPAIGN.split('?').length - 1;

/** `readTallies` on either database: SQLite's kept tallies, or PostgreSQL's counted from the rows. */
export async function talliesOf(db: Db, campaignId?: number): Promise<Map<string, number>> {
  const rows =
    db.dialect === 'sqlite'
      ? campaignId === undefined
        ? await db.all('SELECT key, sum(n) FROM tallies GROUP BY key')
        : await db.all('SELECT key, n FROM tallies WHERE campaign_id = ?', [campaignId])
      : campaignId === undefined
        ? await db.all(`SELECT key, sum(n) FROM (${PG_RECOUNT}) t GROUP BY key`)
        : await db.all(`SELECT key, n FROM (${PG_RECOUNT_OF_CAMPAIGN}) t`, Array<number>(PG_RECOUNT_OF_CAMPAIGN_PARAMS).fill(campaignId));
  return tallyMap(rows);
}

/**
 * Tallies by campaign, then key (zero counts left out): the campaign list's figures. SQLite's kept tallies, or
 * PostgreSQL's counted from the rows.
 */
export async function talliesByCampaignOf(db: Db): Promise<Map<number, Map<string, number>>> {
  return byCampaign(await db.all(db.dialect === 'sqlite' ? 'SELECT campaign_id, key, n FROM tallies WHERE n <> 0' : PG_RECOUNT));
}

export interface TallyDrift {
  campaignId: number;
  key: string;
  /** What the tally says. */
  kept: number;
  /** What the rows say. */
  counted: number;
}

/**
 * Every tally that disagrees with a full recount of the rows (one pass over every table: seconds at a million
 * leads). Empty when the tallies are exact. Read on one snapshot, so concurrent writers cannot make a false drift,
 * and without the write lock, so they need not wait for it.
 */
export function tallyDrift(store: Store): TallyDrift[] {
  return store.snapshot(() => {
    const counted = new Map<string, number>();
    const key = (campaignId: number, k: string) => `${campaignId}\u0000${k}`;
    for (const r of store.rows(RECOUNT).all()) counted.set(key(int(r[0], 'campaign_id'), text(r[1], 'key')), int(r[2], 'n'));
    const kept = new Map<string, number>();
    for (const r of store.rows('SELECT campaign_id, key, n FROM tallies').all()) kept.set(key(int(r[0], 'campaign_id'), text(r[1], 'key')), int(r[2], 'n'));
    const drift: TallyDrift[] = [];
    for (const k of new Set([...counted.keys(), ...kept.keys()])) {
      const a = kept.get(k) ?? 0;
      const b = counted.get(k) ?? 0;
      if (a !== b) {
        const [campaignId, name] = k.split('\u0000');
        drift.push({ campaignId: Number(campaignId), key: name, kept: a, counted: b });
      }
    }
    return drift.sort((x, y) => x.campaignId - y.campaignId || x.key.localeCompare(y.key));
  });
}

/** Replace every tally with a recount of the rows, in one transaction; returns the tallies that were wrong. */
export function rebuildTallies(store: Store): TallyDrift[] {
  return store.tx(() => {
    const drift = tallyDrift(store);
    store.exec('DELETE FROM tallies');
    store.exec(`INSERT INTO tallies (campaign_id, key, n) SELECT campaign_id, key, n FROM (${RECOUNT}) WHERE true`);
    return drift;
  });
}

/**
 * The sum of the tallies whose key matches `pattern`, part by part (`undefined`: any value), e.g.
 * `sumTallies(t, 'lead', 'REPLIED')` — replied leads of any variant, synthetic or not.
 */
export function sumTallies(tallies: ReadonlyMap<string, number>, ...pattern: (string | number | undefined)[]): number {
  let sum = 0;
  for (const [key, n] of tallies) if (keyMatches(key, pattern)) sum += n;
  return sum;
}

/** The tallies matching `pattern` grouped by the key's part at `index`: `groupTallies(t, 1, 'send', undefined, '0')` → live rows by state. */
export function groupTallies(tallies: ReadonlyMap<string, number>, index: number, ...pattern: (string | number | undefined)[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, n] of tallies) {
    if (!keyMatches(key, pattern)) continue;
    const part = key.split(':')[index];
    if (part !== undefined) out.set(part, (out.get(part) ?? 0) + n);
  }
  return out;
}

function keyMatches(key: string, pattern: readonly (string | number | undefined)[]): boolean {
  const parts = key.split(':');
  if (parts.length < pattern.length) return false;
  return pattern.every((p, i) => p === undefined || parts[i] === String(p));
}
