/**
 * One suite, two databases: `bothDrivers(name, fn)` registers the test once on a fresh SQLite file and once on a
 * fresh PostgreSQL database (the real server: test/support/postgres.ts), each opened the way users open it (`openDb`
 * with a path, or with a `postgres://` URL).
 */
import { test, type TestContext } from 'node:test';
import { closeDb, openDb, type AnyStore } from '../../lib/store/openDb';
import type { Db } from '../../lib/store/db';
import { int } from '../../lib/store/rowMapper';
import { tempStorePath } from './tmp';
import { testDatabase } from './postgres';

export type TestDriver = 'sqlite' | 'postgres';
export const TEST_DRIVERS: readonly TestDriver[] = ['sqlite', 'postgres'];

/** A fresh store location of this kind: a temp file path, or a new database's URL. */
export async function freshLocation(t: TestContext, driver: TestDriver): Promise<string> {
  return driver === 'sqlite' ? tempStorePath(t) : testDatabase(t);
}

/** Open `location` for this test; closed after it. */
export async function openForTest(t: TestContext, location: string): Promise<AnyStore> {
  const store = await openDb(location);
  t.after(() => closeDb(store));
  return store;
}

export function bothDrivers(name: string, fn: (t: TestContext, store: AnyStore, driver: TestDriver) => Promise<void>): void {
  for (const driver of TEST_DRIVERS) {
    test(`${name} [${driver}]`, async (t) => fn(t, await openForTest(t, await freshLocation(t, driver)), driver));
  }
}

/**
 * `n` MESSAGED leads (`p0@…`, `p1@…`), each with a step-1 email message, in campaign 1 (the built-in demo, active):
 * written with plain SQL so the same fixture serves both databases. By default synthetic, on `ledger.example`; a live
 * send's leads are `{ domain: LIVE_TEST_DOMAIN, synthetic: false }`. Returns their ids in order.
 */
export async function seedLeadsWithMessages(
  db: Db,
  n: number,
  { domain = 'ledger.example', synthetic = true }: { domain?: string; synthetic?: boolean } = {},
): Promise<{ leads: number[]; messages: number[] }> {
  const now = new Date().toISOString();
  return db.transaction(async (t) => {
    const leads: number[] = [];
    const messages: number[] = [];
    for (let i = 0; i < n; i++) {
      const lead = (await t.get(
        `INSERT INTO leads (email, first_name, last_name, title, company, company_domain, website, industry, country, timezone, synthetic, source, variant, status, created_at, updated_at)
         VALUES (?, 'P', ?, 'CTO', 'Ledger', ?, ?, 'Technology', 'Germany', 'Europe/Berlin', ?, 'test', 'A', 'MESSAGED', ?, ?) RETURNING id`,
        [`p${i}@${domain}`, String(i), domain, `https://${domain}`, synthetic ? 1 : 0, now, now],
      ))!;
      leads.push(int(lead[0], 'leads.id'));
      const message = (await t.get(
        `INSERT INTO messages (lead_id, channel, variant, step, subject, body, word_count, source, created_at)
         VALUES (?, 'email', 'A', 1, 'Hi', 'Hello there', 2, 'test', ?) RETURNING id`,
        [leads[i], now],
      ))!;
      messages.push(int(message[0], 'messages.id'));
    }
    return { leads, messages };
  });
}

/** The ledger's rows by state, counted directly. */
export async function sendStates(db: Db): Promise<Record<string, number>> {
  const rows = await db.all('SELECT state, count(*) FROM sends GROUP BY state ORDER BY state');
  return Object.fromEntries(rows.map((r) => [String(r[0]), Number(r[1])]));
}
