/**
 * The store's schema, one migration per `PRAGMA user_version`. Migrations only ever append: a released step is
 * never edited, so every store file can be brought forward from any older version.
 */

import { TALLIES_MIGRATION } from './tallies';
import { LEAD_SEARCH_MIGRATION } from './leadSearch';

export const MIGRATIONS: string[] = [
  // v1: the foundation.
  `
  CREATE TABLE leads (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    first_name     TEXT    NOT NULL,
    last_name      TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    company        TEXT    NOT NULL,
    company_domain TEXT    NOT NULL COLLATE NOCASE,
    website        TEXT    NOT NULL,
    linkedin_url   TEXT    NOT NULL DEFAULT '',
    industry       TEXT    NOT NULL,
    country        TEXT    NOT NULL,
    timezone       TEXT    NOT NULL,
    synthetic      INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
    source         TEXT    NOT NULL,
    variant        TEXT    NOT NULL CHECK (variant IN ('A', 'B')),
    status         TEXT    NOT NULL DEFAULT 'NEW'
                   CHECK (status IN ('NEW','ENRICHED','MESSAGED','SENT','REPLIED','BOUNCED','FAILED','SUPPRESSED')),
    status_reason  TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
  );
  CREATE INDEX leads_by_status ON leads (status, id);
  CREATE INDEX leads_by_domain ON leads (company_domain);

  CREATE TABLE enrichments (
    lead_id         INTEGER PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
    company_size    TEXT    NOT NULL,
    persona         TEXT    NOT NULL,
    seniority       TEXT    NOT NULL,
    pain_points     TEXT    NOT NULL,  -- JSON array
    buying_triggers TEXT    NOT NULL,  -- JSON array
    confidence      REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    provenance      TEXT    NOT NULL,  -- JSON: field -> rule | model | input
    source          TEXT    NOT NULL,  -- rules-v1, or the model
    created_at      TEXT    NOT NULL
  );

  CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    channel    TEXT    NOT NULL CHECK (channel IN ('email', 'linkedin')),
    variant    TEXT    NOT NULL CHECK (variant IN ('A', 'B')),
    step       INTEGER NOT NULL DEFAULT 1 CHECK (step >= 1),
    subject    TEXT,
    body       TEXT    NOT NULL,
    word_count INTEGER NOT NULL,
    source     TEXT    NOT NULL,      -- template-v1, or the model
    created_at TEXT    NOT NULL,
    UNIQUE (lead_id, channel, step, variant)
  );

  -- The send ledger (DESIGN.md): one row per lead x channel x step and mode. A dry run never takes the slot of the
  -- live send, and the live path can never deliver the same (lead, channel, step) twice.
  CREATE TABLE sends (
    id              INTEGER PRIMARY KEY,
    lead_id         INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL CHECK (channel IN ('email', 'linkedin')),
    step            INTEGER NOT NULL DEFAULT 1,
    dry_run         INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
    message_id      INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    state           TEXT    NOT NULL DEFAULT 'QUEUED'
                    CHECK (state IN ('QUEUED','SENDING','SENT','FAILED','UNKNOWN','SKIPPED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    claimed_by      TEXT,
    claimed_at      TEXT,
    envelope_from   TEXT,
    envelope_to     TEXT,
    rfc_message_id  TEXT,
    headers         TEXT,             -- JSON: the headers as they go on the wire
    response        TEXT,
    error           TEXT,
    sent_at         TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (lead_id, channel, step, dry_run)
  );
  CREATE INDEX sends_by_state ON sends (state, id);
  CREATE INDEX sends_by_claim ON sends (claimed_by) WHERE state = 'SENDING';

  CREATE TABLE suppressions (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('email', 'domain', 'email_sha256')),
    value      TEXT NOT NULL COLLATE NOCASE,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (kind, value)
  );

  CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER REFERENCES leads (id) ON DELETE CASCADE,
    send_id    INTEGER REFERENCES sends (id) ON DELETE SET NULL,
    type       TEXT NOT NULL,
    detail     TEXT,                  -- JSON
    created_at TEXT NOT NULL
  );
  CREATE INDEX events_by_lead ON events (lead_id);

  CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    status         TEXT    NOT NULL CHECK (status IN ('RUNNING','STOPPED','DONE','FAILED','CRASHED')),
    options        TEXT    NOT NULL,  -- JSON: what was asked for, so a resume can ask for it again
    progress       TEXT    NOT NULL,  -- JSON: per stage counts
    stop_requested INTEGER NOT NULL DEFAULT 0,
    owner          TEXT    NOT NULL,  -- pid@host of the process running it
    heartbeat_at   TEXT    NOT NULL,
    started_at     TEXT    NOT NULL,
    finished_at    TEXT,
    error          TEXT,
    resumed_from   INTEGER REFERENCES runs (id)
  );
  `,
  // v2: AI mode (lib/llm). Every request to the model is a row, reserved before it is sent: the rolling RPM/TPM
  // budget is read from it under BEGIN IMMEDIATE, so processes sharing the file share one budget, and usage is a
  // plain aggregate. The cache keys company-level enrichment by (domain, prompt version, model).
  `
  CREATE TABLE llm_requests (
    id                INTEGER PRIMARY KEY,
    at_ms             INTEGER NOT NULL,   -- when the request was let through the budget (epoch ms)
    purpose           TEXT    NOT NULL,   -- enrich | personalize
    model             TEXT    NOT NULL,
    outcome           TEXT    NOT NULL DEFAULT 'pending',  -- pending | ok | invalid | rate_limited | error
    reserved_tokens   INTEGER NOT NULL,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    latency_ms        INTEGER,
    error             TEXT
  );
  CREATE INDEX llm_requests_by_time ON llm_requests (at_ms);

  -- A 429's retry-after, shared: every process holds back until it passes.
  CREATE TABLE llm_holds (
    name     TEXT PRIMARY KEY,
    until_ms INTEGER NOT NULL
  );

  CREATE TABLE llm_cache (
    company_domain TEXT    NOT NULL COLLATE NOCASE,
    prompt_version TEXT    NOT NULL,
    model          TEXT    NOT NULL,
    value          TEXT    NOT NULL,  -- JSON, validated before it was stored
    hits           INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (company_domain, prompt_version, model)
  );
  `,
  // v3: confirmations for two-step actions (the MCP server's live send). A preview issues a token; only its hash is
  // kept, bound to the exact action and parameters previewed; using it marks it used, so it works once, until it
  // expires, from any process on the store.
  `
  CREATE TABLE confirmations (
    token_hash TEXT PRIMARY KEY,      -- sha256 of the token, hex
    action     TEXT NOT NULL,         -- e.g. live_send
    params     TEXT NOT NULL,         -- JSON: what was previewed, compared on use
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
  );
  `,
  // v4: sending limits shared by every process on the store. One row per live send attempt, written in the same
  // BEGIN IMMEDIATE transaction as the claim, so the rate and the daily cap hold across n8n, the MCP server and
  // the CLI; and pauses (a bounce rate over its threshold) that stop a mailbox until a person resumes it.
  `
  CREATE TABLE send_attempts (
    id      INTEGER PRIMARY KEY,
    mailbox TEXT    NOT NULL COLLATE NOCASE,
    send_id INTEGER REFERENCES sends (id) ON DELETE SET NULL,
    at_ms   INTEGER NOT NULL
  );
  CREATE INDEX send_attempts_by_mailbox ON send_attempts (mailbox, at_ms);

  -- The footer a live email carried after the stored message (postal address, unsubscribe link), so a preview
  -- composes exactly what went out.
  ALTER TABLE sends ADD COLUMN footer TEXT;

  CREATE TABLE send_pauses (
    mailbox   TEXT PRIMARY KEY COLLATE NOCASE,
    reason    TEXT NOT NULL,
    paused_at TEXT NOT NULL
  );
  `,
  // v5: recipient verification (lib/deliverability/verify.ts). The latest verdict per lead, so the sender can hold back a
  // first email by policy without asking DNS again; it goes with the lead when the lead is erased.
  `
  CREATE TABLE verifications (
    lead_id    INTEGER PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
    verdict    TEXT    NOT NULL CHECK (verdict IN ('deliverable', 'risky', 'undeliverable')),
    checks     TEXT    NOT NULL,  -- JSON: { syntax, mx, disposable, role }
    reasons    TEXT    NOT NULL,  -- JSON array of sentences
    checked_at TEXT    NOT NULL
  );
  `,
  // v6: lead ids are never reused (AUTOINCREMENT). Without it the next lead after an erase of the newest one, or a
  // clear, took the old id, and anything that named the old id — an unsubscribe link in someone's inbox — named the
  // new person. SQLite cannot add AUTOINCREMENT in place: the table is rebuilt with the same columns and indexes
  // (openStore runs migrations with foreign keys off and checks them before committing).
  `
  CREATE TABLE leads_v6 (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    first_name     TEXT    NOT NULL,
    last_name      TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    company        TEXT    NOT NULL,
    company_domain TEXT    NOT NULL COLLATE NOCASE,
    website        TEXT    NOT NULL,
    linkedin_url   TEXT    NOT NULL DEFAULT '',
    industry       TEXT    NOT NULL,
    country        TEXT    NOT NULL,
    timezone       TEXT    NOT NULL,
    synthetic      INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
    source         TEXT    NOT NULL,
    variant        TEXT    NOT NULL CHECK (variant IN ('A', 'B')),
    status         TEXT    NOT NULL DEFAULT 'NEW'
                   CHECK (status IN ('NEW','ENRICHED','MESSAGED','SENT','REPLIED','BOUNCED','FAILED','SUPPRESSED')),
    status_reason  TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
  );
  INSERT INTO leads_v6 SELECT * FROM leads;
  DROP TABLE leads;
  ALTER TABLE leads_v6 RENAME TO leads;
  CREATE INDEX leads_by_status ON leads (status, id);
  CREATE INDEX leads_by_domain ON leads (company_domain);
  `,
  // v7: a resumed pause is kept (resumed_at) rather than deleted, so the bounce rate that pauses sending counts only
  // the live sends made since the last resume — it is checked before every live drain, with the sender's configured
  // threshold — and the live, delivered emails it reads have an index of their own.
  `
  ALTER TABLE send_pauses ADD COLUMN resumed_at TEXT;
  CREATE INDEX sends_live_email_sent ON sends (id) WHERE dry_run = 0 AND state = 'SENT' AND channel = 'email';
  `,
  // v8: custom attributes. Every column of an imported file that feeds no lead field is kept with the lead as a JSON
  // object of column name → text ("Seniority": "VP"), so an import loses nothing and templates can use them later.
  `
  ALTER TABLE leads ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes) AND json_type(attributes) = 'object');
  `,
  // v9: campaigns. A campaign is whose outreach this is (offer, sender, sequence of templates; lib/campaigns). A lead
  // belongs to one campaign at a time, and each message records the campaign it was written for (the ledger knows a
  // send's campaign through its message). Campaign 1 is the built-in demo: what every lead and message of an older
  // store joins, and where a lead goes when no campaign is named — so synthetic leads and \`npm run demo\` work as before.
  `
  CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE,
    state      TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'active', 'paused', 'finished')),
    spec       TEXT    NOT NULL CHECK (json_valid(spec) AND json_type(spec) = 'object'),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
  );
  INSERT INTO campaigns (id, name, state, spec, created_at, updated_at)
    VALUES (1, 'demo', 'active', '{"builtin":"demo"}', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));
  ALTER TABLE leads ADD COLUMN campaign_id INTEGER NOT NULL DEFAULT 1 REFERENCES campaigns (id);
  ALTER TABLE messages ADD COLUMN campaign_id INTEGER NOT NULL DEFAULT 1 REFERENCES campaigns (id);
  `,
  // v10: the inbound messages already recorded, by Message-ID, so reading a mailbox again (`leadflow inbox` in a
  // loop, two readers at once) records nothing twice.
  `
  CREATE TABLE inbound_messages (
    message_id  TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    lead_id     INTEGER,
    recorded_at TEXT    NOT NULL
  ) WITHOUT ROWID;
  `,
  // v11: several mailboxes. A live send records the mailbox it leaves from when it is first claimed (spread by each
  // mailbox's remaining capacity), and a lead's later steps are queued on that same mailbox, so a thread never
  // changes sender. NULL: not claimed yet, a dry run, or a row of an older store (any mailbox serving its campaign).
  `
  ALTER TABLE sends ADD COLUMN mailbox TEXT;
  `,
  // v12: tallies (lib/store/tallies.ts) — the counts every metric reads, kept by triggers in the transaction of each
  // write, so a funnel at a million leads is a few rows rather than a scan; and the unsubscribe events found by type,
  // for the A/B report's outcomes.
  TALLIES_MIGRATION + `
  CREATE INDEX events_by_type ON events (type, lead_id);
  `,
  // v13: lead search (lib/store/leadSearch.ts) — a full-text index of each lead's name, email, company and title, kept
  // by the writers that add leads and by triggers, with the leads already in the store indexed here.
  LEAD_SEARCH_MIGRATION,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
