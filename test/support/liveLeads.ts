/**
 * Leads a live sender will accept — real-looking, non-reserved domains — for tests whose SMTP server is the local
 * one in test/support/smtpServer.ts. Nothing here can reach the internet: the transport only ever connects to
 * 127.0.0.1.
 */
import type { TestContext } from 'node:test';
import { openStore, type Store } from '../../lib/store/store';
import { createSmtpTransport } from '../../lib/sending/smtp';
import type { Sender } from '../../lib/sending/compose';
import { startSmtp, type TestSmtp } from './smtpServer';
import { tempStorePath } from './tmp';
import { importRows } from '../../lib/leads/importLeads';
import { enrichChosen } from '../../lib/enrich/enrichChosen';
import { personalizeChosen } from '../../lib/personalize/personalizeChosen';
import type { Db } from '../../lib/store/db';
import { enqueue } from '../../lib/sending/ledger';

export const LIVE_TEST_DOMAIN = 'inbox.leadflow-test.net';

/**
 * Import `n` live-sendable leads, enrich and personalize them, and queue their step-1 email live, on either database.
 * Returns lead ids.
 */
export async function queueLiveLeads(store: Db, n: number, prefix = 'p'): Promise<number[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    email: `${prefix}${i}@${LIVE_TEST_DOMAIN}`,
    first_name: 'Pat',
    last_name: `Tester${i}`,
    title: 'VP Operations',
    company: 'Leadflow Test Co',
    website: `https://${LIVE_TEST_DOMAIN}`,
    industry: 'Logistics',
    country: 'Germany',
  }));
  const report = await importRows(store, rows, { source: 'test' });
  if (report.inserted !== n) throw new Error(`imported ${report.inserted} of ${n}: ${JSON.stringify(report.rejected)}`);
  await enrichChosen(store, report.ids);
  await personalizeChosen(store, report.ids, { channels: ['email'] });
  const now = new Date().toISOString();
  await store.transaction(async (t) => {
    for (const id of report.ids) {
      const m = await t.get("SELECT m.id FROM messages m JOIN leads l ON l.id = m.lead_id WHERE m.lead_id = ? AND m.channel = 'email' AND m.step = 1 AND m.variant = l.variant", [id]);
      await enqueue(t, { leadId: id, channel: 'email', step: 1, dryRun: false }, Number(m![0]), now);
    }
  });
  return report.ids;
}

export const COMPLIANCE = {
  unsubscribeBaseUrl: 'http://127.0.0.1:8787/unsubscribe',
  secret: 'test-secret-0123456789abcdef',
  postalAddress: 'Leadflow GmbH, Teststraße 1, 10115 Berlin, Germany',
};

/**
 * The environment a live CLI or MCP child needs to send to the test SMTP server on `port`: the SMTP settings, the
 * compliance settings, and no rate or daily limit unless `extra` sets them.
 */
export function liveEnv(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(port),
    SMTP_FROM_EMAIL: 'alex@sender.leadflow-test.net',
    LEADFLOW_UNSUBSCRIBE_URL: COMPLIANCE.unsubscribeBaseUrl,
    LEADFLOW_SECRET: COMPLIANCE.secret,
    SENDER_POSTAL_ADDRESS: COMPLIANCE.postalAddress,
    RATE_LIMIT_PER_MINUTE: '0',
    DAILY_SEND_CAP: '0',
    ...extra,
  };
}

/**
 * A store, the SMTP test server and lib's SMTP transport to it, sending as `sender`; all closed when the test ends.
 */
export async function liveSetup(
  t: TestContext,
  sender: Sender,
): Promise<{ store: Store; smtp: TestSmtp; transport: ReturnType<typeof createSmtpTransport> }> {
  const store = openStore(tempStorePath(t));
  const live = await liveSetupOn(t, store, sender);
  t.after(() => store.close());
  return live;
}

/**
 * `liveSetup` over a store the test already opened (either database, e.g. the one `bothDrivers` hands it): the SMTP
 * test server and a transport to it, closed when the test ends; the store stays the opener's to close.
 */
export async function liveSetupOn<S extends Db>(
  t: TestContext,
  store: S,
  sender: Sender,
): Promise<{ store: S; smtp: TestSmtp; transport: ReturnType<typeof createSmtpTransport> }> {
  const smtp = await startSmtp();
  const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, from: sender, timeoutMs: 2_000 });
  t.after(async () => {
    transport.close();
    await smtp.close();
  });
  return { store, smtp, transport };
}
