import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNode } from './support/n8nEngine';
import { SendOutreach } from '../nodes/SendOutreach/SendOutreach.node.ts';
import assert from 'node:assert/strict';
import { openStore } from '../lib/store/store';
import { ingestLeads } from '../lib/leads/ingest';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { scheduleFollowUps } from '../lib/sending/sequence';
import { getLead, listLeads } from '../lib/store/leads';
import { suppressionReason } from '../lib/store/suppressions';
import { recordEvent } from '../lib/inbound/events';
import { ownWords, readReplyIntent } from '../lib/inbound/replyIntent';
import { tempStorePath } from './support/tmp';
import { GOOD_LEAD } from './support/goodLead';
import { answer, startGroqServer, type Reply } from './support/groqServer';
import type { ChatBody } from './support/groqFakeModel';
import { createGroqClient } from '../lib/llm/client';

const QUOTE = '\n\nOn Thu, 3 Dec 2026 at 10:00, Maria Chen <maria@tillpoint.test> wrote:\n> Hi Dana,\n> Open to a call?\n> If this isn\'t for you, reply "unsubscribe" and I won\'t write again.\n';

test('replies are read by their own words, the protective reading winning', () => {
  const cases: [string, string][] = [
    ['Please remove me from your list.', 'unsubscribe'],
    ['unsubscribe', 'unsubscribe'],
    ['Abmelden', 'unsubscribe'],
    ['Bitte keine weiteren E-Mails.', 'unsubscribe'],
    ['Merci de me désabonner.', 'unsubscribe'],
    ['Por favor, darme de baja.', 'unsubscribe'],
    ['Stop emailing me.', 'unsubscribe'],
    ['STOP', 'unsubscribe'],
    ['Not interested, and please take me off this list.', 'unsubscribe'],
    ['Sounds interesting, Tuesday?', 'interested'],
    ['Happy to chat — what times work for you next week?', 'interested'],
    ['Not interested, thanks.', 'not_interested'],
    ['We are all set with payroll, thank you.', 'not_interested'],
    ['Kein Interesse.', 'not_interested'],
    ["I'm not the right person — please reach out to jo.finance@harborview.test instead.", 'wrong_person'],
    ['Dana has left the company.', 'wrong_person'],
    ['Thanks for the note.', 'neutral'],
  ];
  for (const [text, intent] of cases) assert.equal(readReplyIntent(text + QUOTE).intent, intent, text);
  assert.equal(readReplyIntent("I'm not the right person, write to jo.finance@harborview.test").referral, 'jo.finance@harborview.test');
  assert.equal(readReplyIntent('Thanks!', 'Re: Unsubscribe').intent, 'unsubscribe', 'a subject that says it counts');
  assert.equal(readReplyIntent('Thanks!', 'Re: Payroll across your sites').intent, 'neutral', 'our own subject never reads as interest');
});

test('the quoted email — with our own opt-out line in it — is never read as the reply', () => {
  assert.equal(ownWords('Sounds good.' + QUOTE), 'Sounds good.');
  assert.equal(readReplyIntent('Thanks for reaching out.' + QUOTE).intent, 'neutral');
  const outlook = 'Yes, let\'s talk.\n\n-----Original Message-----\nFrom: Maria Chen\nSent: Thursday\nreply "unsubscribe" to stop';
  assert.equal(readReplyIntent(outlook).intent, 'interested');
  const german = 'Gerne, nächste Woche?\n\nAm 03.12.2026 um 10:00 schrieb Maria Chen <maria@tillpoint.test>:\n> unsubscribe';
  assert.equal(readReplyIntent(german).intent, 'interested');
});

function replyMessage(to: string, from: string, text: string, inReplyTo?: string): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    'Subject: Re: A question about payroll',
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
    'Message-ID: <reply-' + Math.random().toString(36).slice(2) + '@harborview.test>',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text + QUOTE,
  ].join('\r\n');
}

test('recorded replies: an opt-out in words suppresses the address and cancels its later steps; interest and referrals are said', async (t) => {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const people = ['dana', 'lee', 'sam', 'jo'].map((n) => ({ ...GOOD_LEAD, email: `${n}@harborview-${n}.test`, firstName: n, website: `https://harborview-${n}.test` }));
  store.tx(() => ingestLeads(store, people, new Date().toISOString()));
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  const sentAt = new Date('2026-12-03T10:00:00.000Z');
  await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }), { now: () => sentAt });
  await scheduleFollowUps(store, { delaysBusinessDays: [3], dryRun: true, now: sentAt });
  const [dana, lee, sam, jo] = listLeads(store).leads;
  const messageId = (id: number) => String(store.stmt("SELECT rfc_message_id AS m FROM sends WHERE lead_id = ? AND step = 1").get(id)?.m);

  const removeMe = await recordEvent(store, { type: 'reply', raw: replyMessage('maria@tillpoint.test', dana.email, 'Please remove me.', messageId(dana.id)) });
  assert.equal(removeMe.intent, 'unsubscribe');
  assert.equal(getLead(store, dana.id)!.status, 'SUPPRESSED');
  assert.match(suppressionReason(store, dana.email) ?? '', /asked in a reply \("remove me"\)/);
  assert.equal(store.stmt("SELECT count(*) AS n FROM sends WHERE lead_id = ? AND state = 'QUEUED'").get(dana.id)?.n, 0, 'step 2 cancelled');

  const abmelden = await recordEvent(store, { type: 'reply', raw: replyMessage('maria@tillpoint.test', lee.email, 'Abmelden') });
  assert.equal(abmelden.intent, 'unsubscribe');
  assert.equal(getLead(store, lee.id)!.status, 'SUPPRESSED');

  const yes = await recordEvent(store, { type: 'reply', raw: replyMessage('maria@tillpoint.test', sam.email, 'Sounds interesting, Tuesday?', messageId(sam.id)) });
  assert.deepEqual([yes.intent, getLead(store, sam.id)!.status], ['interested', 'REPLIED']);
  assert.equal(suppressionReason(store, sam.email), null);
  const stored = JSON.parse(String(store.stmt("SELECT detail FROM events WHERE lead_id = ? AND type = 'reply'").get(sam.id)?.detail)) as { intent: string };
  assert.equal(stored.intent, 'interested');

  const referral = await recordEvent(store, { type: 'reply', email: jo.email, detail: { text: "I'm not the right person; please reach out to finance@harborview-jo.test" } });
  assert.deepEqual([referral.intent, referral.referral], ['wrong_person', 'finance@harborview-jo.test']);
});

test('with AI set up the model reads a reply the rules cannot place; an opt-out the rules see stands; no valid answer leaves the rules\' reading', async (t) => {
  let script: (body: ChatBody) => Reply = () => answer({ intent: 'interested', referral: '' });
  const server = await startGroqServer({ chat: (body) => script(body) });
  t.after(() => server.close());
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  const people = ['ann', 'ben', 'cy'].map((n) => ({ ...GOOD_LEAD, email: `${n}@hv-${n}.test`, firstName: n, website: `https://hv-${n}.test` }));
  store.tx(() => ingestLeads(store, people, new Date().toISOString()));
  const ai = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, rpm: 10_000, tpm: 100_000_000 }, store);
  const [ann, ben, cy] = listLeads(store).leads;

  const question = 'Could you say a bit about how it handles overtime for part-time cooks?';
  assert.equal(readReplyIntent(question).intent, 'neutral', 'the rules cannot place it');
  const byModel = await recordEvent(store, { type: 'reply', email: ann.email, detail: { text: question }, ai });
  assert.equal(byModel.intent, 'interested');
  const sent = server.chatRequests()[0].body;
  assert.match(sent.messages[1].content, /overtime for part-time cooks/, 'the reply goes as data');
  assert.equal(sent.response_format?.json_schema?.name, 'reply_intent');

  script = () => answer({ intent: 'interested', referral: '' });
  const stop = await recordEvent(store, { type: 'reply', email: ben.email, detail: { text: 'Please remove me.' }, ai });
  assert.equal(stop.intent, 'unsubscribe', 'the model cannot overrule an opt-out');
  assert.equal(server.chatRequests().length, 1, 'and is not even asked');

  script = () => answer({ intent: 'maybe', referral: '' });
  const invalid = await recordEvent(store, { type: 'reply', email: cy.email, detail: { text: 'Thanks, sounds good.' }, ai });
  assert.equal(invalid.intent, 'interested', "the rules' reading stands when the model's answer is invalid");
  const detail = JSON.parse(String(store.stmt("SELECT detail FROM events WHERE lead_id = ? AND type = 'reply'").get(cy.id)?.detail)) as { readBy: string };
  assert.equal(detail.readBy, 'rules');
});

test('in n8n, Record Event puts a reply\'s intent at the top of its item, so the bundled inbox workflow\'s IF routes "interested"', async (t) => {
  const storePath = tempStorePath(t);
  const store = openStore(storePath);
  const people = ['eve', 'fay'].map((n) => ({ ...GOOD_LEAD, email: `${n}@hv-${n}.test`, firstName: n, website: `https://hv-${n}.test` }));
  store.tx(() => ingestLeads(store, people, new Date().toISOString()));
  store.close();
  const raw = (from: string, text: string) => ['From: ' + from, 'To: <maria@tillpoint.test>', 'Subject: Re: Payroll', `Message-ID: <${from.split('@')[0]}-r@x.test>`, 'Content-Type: text/plain; charset=utf-8', '', text + QUOTE].join('\r\n');
  const run = await runNode(new SendOutreach(), {
    parameters: { storePath, operation: 'recordEvent', eventType: 'reply', raw: '={{ $json.raw }}' },
    input: [{ raw: raw(people[0].email, 'Sounds interesting, Tuesday?') }, { raw: raw(people[1].email, 'Not interested, thanks.') }],
  });
  assert.equal(run.error, undefined);
  assert.deepEqual(run.items.map((i) => [i.json.email, i.json.intent]), [[people[0].email, 'interested'], [people[1].email, 'not_interested']]);
  // The bundled workflow routes on exactly that field.
  const workflow = JSON.parse(readFileSync(join(__dirname, '..', 'workflows', 'inbox-events.json'), 'utf8')) as { nodes: { name: string; parameters: Record<string, unknown> }[]; connections: Record<string, unknown> };
  const gate = workflow.nodes.find((n) => n.name === 'Interested?')!;
  assert.match(JSON.stringify(gate.parameters), /"leftValue":"=\{\{ \$json\.intent \}\}","rightValue":"interested"/);
  assert.ok(workflow.connections['Record Event'], 'Record Event feeds the IF');
});
