/**
 * `leadflow inbox` against a real IMAP server (hoodiecrow, in-process, as the n8n inbox test uses): replies and a
 * bounce in the INBOX are recorded through the same lib call as the n8n workflow, each with its meaning, and reading
 * the same mailbox again records nothing twice — on a SQLite file and on the PostgreSQL store of n8n queue mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import { openStore } from '../lib/store/store';
import { importRows } from '../lib/leads/importLeads';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { suppressedAmong } from '../lib/store/suppressions';
import { bothDrivers } from './support/stores';
import { leadflowAwait } from './support/cli';
import { tempStorePath } from './support/tmp';
import { answer, startGroqServer } from './support/groqServer';

interface Hoodiecrow {
  server: Server;
  listen(port: number, host: string, cb: () => void): void;
  close(cb: () => void): void;
}
// hoodiecrow-imap ships no types: the two calls used here are typed above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hoodiecrow = require('hoodiecrow-imap') as (options: Record<string, unknown>) => Hoodiecrow;

const USER = 'maria@tillpoint.test';
const PASSWORD = 'imap-test-password';

function message(from: string, id: string, text: string, inReplyTo?: string): string {
  return [
    `From: ${from}`,
    `To: <${USER}>`,
    'Subject: Re: Payroll across your sites',
    'Date: Thu, 03 Dec 2026 11:00:00 +0000',
    `Message-ID: <${id}>`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '',
  ].join('\r\n');
}

function bounce(address: string): string {
  return [
    'From: Mail Delivery System <mailer-daemon@mx.tillpoint.test>',
    `To: <${USER}>`,
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Thu, 03 Dec 2026 11:01:00 +0000',
    'Message-ID: <dsn-1@mx.tillpoint.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Your message to ${address} could not be delivered.`,
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.tillpoint.test',
    '',
    `Final-Recipient: rfc822; ${address}`,
    'Action: failed',
    'Status: 5.1.1',
    '',
    '--b--',
    '',
  ].join('\r\n');
}

bothDrivers('leadflow inbox records each reply and bounce of an IMAP mailbox once, with what each reply means', async (t, store) => {
  const people = ['dana@harborview.test', 'lee@bluefin.test', 'sam@saltandember.test', 'jo@marisco.test'];
  const { ids } = await importRows(store, people.map((email) => ({ email, first_name: email.split('@')[0], company: email.split('@')[1].split('.')[0], website: `https://${email.split('@')[1]}` })), { source: 'test' });
  await enrichChosen(store, ids);
  await personalizeChosen(store, ids, { channels: ['email'] });
  await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }));
  const danaMessageId = String((await store.get('SELECT rfc_message_id FROM sends WHERE lead_id = ?', [ids[0]]))![0]);
  const imap = hoodiecrow({
    users: { [USER]: { password: PASSWORD } },
    storage: {
      INBOX: {
        messages: [
          { raw: message(`Dana <${people[0]}>`, 'r1@harborview.test', 'Sounds interesting, Tuesday?', danaMessageId) },
          { raw: message(`Lee <${people[1]}>`, 'r2@bluefin.test', 'Abmelden') },
          { raw: message(`Sam <${people[2]}>`, 'r3@saltandember.test', 'Please remove me from your list.') },
          { raw: bounce(people[3]) },
          { raw: message('Stranger <who@nowhere.test>', 'r5@nowhere.test', 'Who is this?') },
        ],
      },
      '': {},
    },
  });
  await new Promise<void>((resolve) => imap.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => imap.close(() => resolve())));
  const env = { IMAP_HOST: '127.0.0.1', IMAP_PORT: String((imap.server.address() as AddressInfo).port), IMAP_TLS: 'false', IMAP_USER: USER, IMAP_PASSWORD: PASSWORD };

  const first = await leadflowAwait(['--db', store.location, 'inbox', '--json'], env);
  assert.equal(first.code, 0, first.stderr);
  const report = JSON.parse(first.stdout) as { read: number; outcomes: { outcome: string; kind: string; event?: { leadId: number; intent?: string } }[] };
  assert.equal(report.read, 5);
  assert.deepEqual(
    report.outcomes.map((o) => [o.outcome, o.kind, o.event?.intent ?? null]),
    [['recorded', 'reply', 'interested'], ['recorded', 'reply', 'unsubscribe'], ['recorded', 'reply', 'unsubscribe'], ['recorded', 'bounce', null], ['not_ours', 'reply', null]],
  );
  assert.deepEqual((await store.all('SELECT status FROM leads ORDER BY id')).flat(), ['REPLIED', 'SUPPRESSED', 'SUPPRESSED', 'BOUNCED']);
  assert.deepEqual([...(await suppressedAmong(store, people)).keys()].sort(), people.slice(1).sort());
  const events = async () => Number((await store.get('SELECT count(*) FROM events'))![0]);
  const before = await events();
  const second = await leadflowAwait(['--db', store.location, 'inbox'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /INBOX: 5 message\(s\) read, 0 recorded, 4 already recorded/);
  assert.equal(await events(), before, 'reading the mailbox again records nothing twice');
});

test('leadflow inbox without IMAP settings says which to set, and a wrong password is a clear error', async (t) => {
  const storePath = tempStorePath(t);
  openStore(storePath).close();
  const none = await leadflowAwait(['--db', storePath, 'inbox'], { IMAP_HOST: '' });
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /needs IMAP_HOST, IMAP_USER and IMAP_PASSWORD/);
  const imap = hoodiecrow({ users: { [USER]: { password: PASSWORD } }, storage: { INBOX: { messages: [] }, '': {} } });
  await new Promise<void>((resolve) => imap.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => imap.close(() => resolve())));
  const wrong = await leadflowAwait(['--db', storePath, 'inbox'], {
    IMAP_HOST: '127.0.0.1', IMAP_PORT: String((imap.server.address() as AddressInfo).port), IMAP_TLS: 'false', IMAP_USER: USER, IMAP_PASSWORD: 'wrong',
  });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /cannot log in to 127\.0\.0\.1:\d+ as maria@tillpoint\.test/);
});

test('leadflow inbox --replies ai asks the model (Groq) about a reply the rules cannot place', async (t) => {
  const groq = await startGroqServer({ chat: () => answer({ intent: 'interested', referral: '' }) });
  t.after(() => groq.close());
  const storePath = tempStorePath(t);
  const store = openStore(storePath);
  const [id] = (await importRows(store, [{ email: 'ann@harborview.test', first_name: 'Ann', company: 'Harborview', website: 'https://harborview.test' }], { source: 'test' })).ids;
  store.close();
  const imap = hoodiecrow({
    users: { [USER]: { password: PASSWORD } },
    storage: { INBOX: { messages: [{ raw: message('Ann <ann@harborview.test>', 'q1@harborview.test', 'How does it handle overtime for part-time cooks?') }] }, '': {} },
  });
  await new Promise<void>((resolve) => imap.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => imap.close(() => resolve())));
  const r = await leadflowAwait(['--db', storePath, 'inbox', '--replies', 'ai', '--json'], {
    IMAP_HOST: '127.0.0.1', IMAP_PORT: String((imap.server.address() as AddressInfo).port), IMAP_TLS: 'false', IMAP_USER: USER, IMAP_PASSWORD: PASSWORD,
    GROQ_API_KEY: 'test-key', GROQ_BASE_URL: groq.baseURL,
  });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { outcomes: { event?: { leadId: number; intent?: string } }[] };
  assert.deepEqual(report.outcomes.map((o) => [o.event?.leadId, o.event?.intent]), [[id, 'interested']]);
  assert.equal(groq.chatRequests().length, 1);
});
