/**
 * What a recipient's mail client shows is what leadflow meant: a subject or name that looks like a MIME
 * encoded-word (`=?UTF-8?B?…?=`) is itself encoded on the wire, so it decodes to the literal text and never to extra
 * headers; and a live email is signed, in the From header and in the sign-off, by the sender it is sent as, while a
 * dry run keeps the demo sender. Checked on a real SMTP server, parsed the way a mail client parses — on a SQLite
 * file and on the PostgreSQL store of n8n queue mode (one suite, two drivers) where a store is involved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser, type AddressObject } from 'mailparser';
import { importRows } from '../lib/leads/importLeads';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import type { Db } from '../lib/store/db';
import { enqueue } from '../lib/sending/ledger';
import { sendQueued } from '../lib/sending/drain';
import { smtpSettingsFromEnv } from '../lib/sending/smtp';
import { composeMime, outgoingEmail, type Sender } from '../lib/sending/compose';
import { previewEmail } from '../lib/sending/preview';
import { smtpSettingsFromCredential } from '../lib/sending/config';
import { COMPLIANCE, LIVE_TEST_DOMAIN, liveSetupOn } from './support/liveLeads';
import { bothDrivers } from './support/stores';
import { mcpOverStdio } from './support/mcpClient';
import { startSmtpSink } from './support/mcpSmtp';
import { tempStorePath } from './support/tmp';

/** Decodes to "Acme\r\nBcc: evil@evil.com": what a mail client would show if this went out unencoded. */
const LOOKALIKE = '=?UTF-8?B?QWNtZQ0KQmNjOiBldmlsQGV2aWwuY29t?=';
const SENDER: Sender = { name: 'Sam Rivera', email: 'sam@sender.leadflow-test.net' };
const DEMO_NAME = 'Alex from Leadflow';

const setup = (t: import('node:test').TestContext, store: Db) => liveSetupOn(t, store, SENDER);

/** Import rows, enrich, personalize (with the default sign-off unless told), and queue each step-1 email (live unless told). */
async function queueLive(store: Db, rows: Record<string, string>[], o: { senderName?: string; dryRun?: boolean } = {}): Promise<number[]> {
  const report = await importRows(store, rows, { source: 'test' });
  assert.equal(report.inserted, rows.length, JSON.stringify(report.rejected));
  await enrichChosen(store, report.ids);
  await personalizeChosen(store, report.ids, { channels: ['email'], senderName: o.senderName });
  const now = new Date().toISOString();
  await store.transaction(async (t) => {
    for (const id of report.ids) {
      const m = await t.get(STEP_ONE, [id]);
      await enqueue(t, { leadId: id, channel: 'email', step: 1, dryRun: o.dryRun ?? false }, Number(m![0]), now);
    }
  });
  return report.ids;
}

/** The lead's step-1 email in its own variant. */
const STEP_ONE = "SELECT m.id, m.subject FROM messages m JOIN leads l ON l.id = m.lead_id WHERE m.lead_id = ? AND m.channel = 'email' AND m.step = 1 AND m.variant = l.variant";

const lead = (i: number, over: Record<string, string> = {}) => ({
  email: `h${i}@${LIVE_TEST_DOMAIN}`,
  first_name: 'Pat',
  last_name: `Tester${i}`,
  title: 'VP Operations',
  company: 'Leadflow Test Co',
  website: `https://${LIVE_TEST_DOMAIN}`,
  industry: 'Logistics',
  country: 'Germany',
  ...over,
});

const storedSubject = async (store: Db, id: number) => String((await store.get(STEP_ONE, [id]))![1]);

const headerBlock = (raw: Buffer) => raw.toString('utf8').split('\r\n\r\n')[0];

bothDrivers('a subject that looks like an encoded word reaches the inbox as the literal text, with no Bcc', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  // Enough leads that the drafts' subjects use the company and the first name (the wording varies by lead).
  const ids = await queueLive(store, Array.from({ length: 8 }, (_, i) => lead(i, { company: LOOKALIKE, first_name: i % 2 ? LOOKALIKE : 'Pat' })));
  const tally = await sendQueued(store, { dryRun: false, transport, sender: SENDER, compliance: COMPLIANCE, retryBaseMs: 1_000 });
  assert.equal(tally.sent, ids.length);
  let lookalikeSubjects = 0;
  for (const id of ids) {
    const subject = await storedSubject(store, id);
    if (subject.includes(LOOKALIKE)) lookalikeSubjects++;
    const p = await previewEmail(store, id);
    const wire = smtp.received.find((m) => m.to[0] === p.record.envelope.to)!;
    const parsed = await simpleParser(wire.raw);
    assert.equal(parsed.subject, subject, 'the client shows the drafted subject, character for character');
    assert.equal(parsed.headers.has('bcc'), false);
    assert.doesNotMatch(headerBlock(wire.raw), /^bcc:/im);
    const to = (parsed.to as AddressObject).value[0];
    const [firstName, lastName] = (await store.get('SELECT first_name, last_name FROM leads WHERE id = ?', [id]))!;
    assert.equal(to.name, `${String(firstName)} ${String(lastName)}`, 'the display name decodes to the literal name');
    assert.equal(wire.raw.toString('utf8').replace(/\r\n$/, ''), p.mime.toString('utf8').replace(/\r\n$/, ''), 'the preview is the wire');
  }
  assert.ok(lookalikeSubjects >= 2, `only ${lookalikeSubjects} subject(s) carried the look-alike: the test proves nothing`);
});

test('the composer encodes an encoded-word look-alike in the subject and in both display names', async () => {
  const mail = outgoingEmail({
    lead: { email: 'pat@inbox.leadflow-test.net', firstName: LOOKALIKE, lastName: 'Tester' },
    message: { channel: 'email', step: 1, subject: `Idea for ${LOOKALIKE}`, body: 'Hi,\n\nHello.\n' },
    sender: { name: `Sam ${LOOKALIKE}`, email: SENDER.email },
    date: new Date('2026-03-02T10:00:00Z'),
  });
  const mime = await composeMime(mail);
  assert.ok(!headerBlock(mime).includes(LOOKALIKE), headerBlock(mime));
  const parsed = await simpleParser(mime);
  assert.equal(parsed.subject, `Idea for ${LOOKALIKE}`);
  assert.equal((parsed.to as AddressObject).value[0].name, `${LOOKALIKE} Tester`);
  assert.equal((parsed.to as AddressObject).value[0].address, 'pat@inbox.leadflow-test.net');
  assert.equal((parsed.from as AddressObject).value[0].name, `Sam ${LOOKALIKE}`);
  assert.equal((parsed.from as AddressObject).value[0].address, SENDER.email);
  assert.equal(parsed.headers.has('bcc'), false);
});

test('an ordinary subject and names are composed exactly as before: nothing is encoded that need not be', async () => {
  const mail = outgoingEmail({
    lead: { email: 'pat@inbox.leadflow-test.net', firstName: 'Pat', lastName: 'Tester' },
    message: { channel: 'email', step: 1, subject: 'Quick question about Acme = ?', body: 'Hi,\n\nHello.\n' },
    sender: SENDER,
    date: new Date('2026-03-02T10:00:00Z'),
  });
  const head = headerBlock(await composeMime(mail));
  assert.match(head, /^Subject: Quick question about Acme = \?$/m);
  assert.match(head, /^From: Sam Rivera <sam@sender\.leadflow-test\.net>$/m);
  assert.match(head, /^To: Pat Tester <pat@inbox\.leadflow-test\.net>$/m);
});

test('line and paragraph separators and invisible format characters never reach a header', async () => {
  const mail = outgoingEmail({
    lead: { email: 'pat@inbox.leadflow-test.net', firstName: 'Pat\u2028Bcc: evil@evil.example', lastName: '\u202eTester' },
    message: { channel: 'email', step: 1, subject: 'Idea\u0085for\u2029Acme\u200b', body: 'Hi,\n\nHello.\n' },
    sender: { name: 'Sam\u2028Rivera', email: SENDER.email },
    date: new Date('2026-03-02T10:00:00Z'),
  });
  const parsed = await simpleParser(await composeMime(mail));
  assert.equal(parsed.subject, 'Idea for Acme');
  assert.equal((parsed.to as AddressObject).value[0].name, 'Pat Bcc: evil@evil.example Tester');
  assert.equal((parsed.from as AddressObject).value[0].name, 'Sam Rivera');
});

bothDrivers('a live email is signed by the sender it is sent as, in the From header and the sign-off', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  const [id] = await queueLive(store, [lead(1)]);
  await sendQueued(store, { dryRun: false, transport, sender: SENDER, compliance: COMPLIANCE, retryBaseMs: 1_000 });
  const parsed = await simpleParser(smtp.received[0].raw);
  assert.equal((parsed.from as AddressObject).value[0].name, SENDER.name);
  assert.match(parsed.text ?? '', /\n\nBest,\nSam Rivera\n\n/);
  assert.ok(!(parsed.text ?? '').includes(DEMO_NAME), parsed.text);
  const p = await previewEmail(store, id);
  assert.equal(smtp.received[0].raw.toString('utf8').replace(/\r\n$/, ''), p.mime.toString('utf8').replace(/\r\n$/, ''), 'the preview is the wire');
});

bothDrivers('a dry run keeps the demo sender in the From header and the sign-off', async (_t, store) => {
  const [id] = await queueLive(store, [lead(1)], { dryRun: true });
  assert.equal((await sendQueued(store, { dryRun: true })).simulated, 1);
  const parsed = await simpleParser((await previewEmail(store, id)).mime);
  assert.equal((parsed.from as AddressObject).value[0].name, DEMO_NAME);
  assert.match(parsed.text ?? '', new RegExp(`\\n\\nBest,\\n${DEMO_NAME}\\n\\n`));
});

bothDrivers('a draft preview for a live sender shows the live sign-off', async (_t, store) => {
  const [id] = await queueLive(store, [lead(1)]);
  const parsed = await simpleParser((await previewEmail(store, id, { sender: SENDER })).mime);
  assert.equal((parsed.from as AddressObject).value[0].name, SENDER.name);
  assert.match(parsed.text ?? '', /\n\nBest,\nSam Rivera\n\n/);
});

bothDrivers('copy signed with a chosen name keeps that name when it goes out live', async (t, db) => {
  const { store, smtp, transport } = await setup(t, db);
  await queueLive(store, [lead(1)], { senderName: 'Jordan Lee' });
  await sendQueued(store, { dryRun: false, transport, sender: SENDER, compliance: COMPLIANCE, retryBaseMs: 1_000 });
  const parsed = await simpleParser(smtp.received[0].raw);
  assert.match(parsed.text ?? '', /\n\nBest,\nJordan Lee\n\n/);
});

test('without a from name, the sender is named by the from address, in the environment and the n8n credential', () => {
  const env = smtpSettingsFromEnv({ SMTP_HOST: '127.0.0.1', SMTP_FROM_EMAIL: 'sam.rivera@acme.io' })!;
  assert.deepEqual(env.from, { name: 'sam.rivera', email: 'sam.rivera@acme.io' });
  const named = smtpSettingsFromEnv({ SMTP_HOST: '127.0.0.1', SMTP_FROM_EMAIL: 'sam@acme.io', SMTP_FROM_NAME: ' Sam\u200b Rivera ' })!;
  assert.deepEqual(named.from, { name: 'Sam Rivera', email: 'sam@acme.io' });
  const credential = smtpSettingsFromCredential({ host: 'smtp.acme.io', fromEmail: 'sam.rivera@acme.io', fromName: '' });
  assert.deepEqual(credential.from, { name: 'sam.rivera', email: 'sam.rivera@acme.io' });
});

test('through MCP: a hostile company goes out as literal text, signed by SMTP_FROM_NAME', async (t) => {
  const smtp = await startSmtpSink(t);
  const mcp = await mcpOverStdio(t, tempStorePath(t), smtp.env);
  const rows = Array.from({ length: 4 }, (_, i) => ({
    email: `lee${i}@brightforge.io`, firstName: 'Lee', lastName: `Park${i}`, title: 'CTO', company: LOOKALIKE, website: 'https://brightforge.io', country: 'Germany',
  }));
  assert.equal((await mcp.ok<{ inserted: number }>('import_leads', { rows })).inserted, 4);
  await mcp.ok('enrich_leads', {});
  await mcp.ok('generate_messages', { channels: ['email'] });
  const preview = await mcp.ok<{ confirm_token: string; preview: { leads: { email: string; subject: string }[] } }>('send_outreach', { dry_run: false, limit: 4 });
  await mcp.ok('send_outreach', { dry_run: false, limit: 4, confirm_token: preview.confirm_token });
  assert.equal(smtp.received.length, 4);
  let lookalikes = 0;
  for (const mail of smtp.received) {
    const parsed = await simpleParser(mail.data);
    const planned = preview.preview.leads.find((l) => l.email === mail.to[0])!;
    assert.equal(parsed.subject, planned.subject);
    if (planned.subject.includes(LOOKALIKE)) lookalikes++;
    assert.equal(parsed.headers.has('bcc'), false);
    assert.equal((parsed.from as AddressObject).value[0].name, 'Alex Smith');
    assert.match(parsed.text ?? '', /\n\nBest,\nAlex Smith\n\n/);
    assert.ok(!(parsed.text ?? '').includes(DEMO_NAME));
  }
  assert.ok(lookalikes >= 1, 'no subject carried the look-alike: the test proves nothing');
});
