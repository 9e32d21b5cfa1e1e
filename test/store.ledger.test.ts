import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../lib/store/store';
import { insertLead } from '../lib/store/leads';
import { saveMessage } from '../lib/store/messages';
import { enqueue, claim, settle, recoverAbandoned, countSendsByState } from '../lib/sending/ledger';
import { tempStorePath } from './support/tmp';

function seeded(t: import('node:test').TestContext, n: number): { s: Store; messages: number[] } {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const now = new Date().toISOString();
  const messages = s.tx(() =>
    Array.from({ length: n }, (_, i) => {
      const id = insertLead(s, {
        email: `p${i}@ledger.example`, firstName: 'P', lastName: String(i), title: 'CTO', company: 'Ledger', companyDomain: 'ledger.example',
        website: 'https://ledger.example', linkedinUrl: '', industry: 'Technology', country: 'Germany', timezone: 'Europe/Berlin',
        synthetic: true, source: 'test', variant: 'A',
      }, now)!;
      return saveMessage(s, id, { channel: 'email', variant: 'A', step: 1, subject: 'Hi', body: 'Hello there' }, 2, 'test', now);
    }),
  );
  return { s, messages };
}

test('enqueueing the same lead, channel and step twice keeps one ledger row', (t) => {
  const { s, messages } = seeded(t, 1);
  const now = new Date().toISOString();
  assert.equal(enqueue(s, { leadId: 1, channel: 'email', step: 1, dryRun: false }, messages[0], now), true);
  assert.equal(enqueue(s, { leadId: 1, channel: 'email', step: 1, dryRun: false }, messages[0], now), false);
  assert.equal(s.stmt('SELECT count(*) AS n FROM sends').get()?.n, 1);
});

test('a dry run never takes the slot of the live send', (t) => {
  const { s, messages } = seeded(t, 1);
  const now = new Date().toISOString();
  assert.equal(enqueue(s, { leadId: 1, channel: 'email', step: 1, dryRun: true }, messages[0], now), true);
  assert.equal(enqueue(s, { leadId: 1, channel: 'email', step: 1, dryRun: false }, messages[0], now), true);
});

test('two workers claiming at once never get the same row', (t) => {
  const { s, messages } = seeded(t, 50);
  const now = new Date().toISOString();
  s.tx(() => messages.forEach((m, i) => enqueue(s, { leadId: i + 1, channel: 'email', step: 1, dryRun: false }, m, now)));
  const a = claim(s, { dryRun: false, limit: 30, worker: 'a', now });
  const b = claim(s, { dryRun: false, limit: 30, worker: 'b', now });
  assert.equal(a.length, 30);
  assert.equal(b.length, 20);
  const ids = new Set([...a, ...b].map((r) => r.id));
  assert.equal(ids.size, 50);
});

test('a settlement by a worker that does not hold the claim changes nothing', (t) => {
  const { s, messages } = seeded(t, 1);
  const now = new Date().toISOString();
  enqueue(s, { leadId: 1, channel: 'email', step: 1, dryRun: false }, messages[0], now);
  const [row] = claim(s, { dryRun: false, limit: 1, worker: 'holder', now });
  assert.equal(settle(s, row.id, 'intruder', { state: 'FAILED', error: 'x' }, now), false);
  assert.equal(settle(s, row.id, 'holder', { state: 'SENT', envelopeFrom: 'a@x.example', envelopeTo: 'p0@ledger.example', rfcMessageId: '<1@x>', headers: null, response: '250 ok' }, now), true);
  assert.equal(countSendsByState(s).byState.SENT, 1);
});

test('a transient fault puts the row back in the queue, not due until its next attempt', (t) => {
  const { s, messages } = seeded(t, 1);
  const now = new Date('2026-01-01T10:00:00Z');
  enqueue(s, { leadId: 1, channel: 'email', step: 1, dryRun: false }, messages[0], now.toISOString());
  const [row] = claim(s, { dryRun: false, limit: 1, worker: 'w', now: now.toISOString() });
  settle(s, row.id, 'w', { state: 'QUEUED', error: '421 try later', nextAttemptAt: '2026-01-01T10:05:00.000Z' }, now.toISOString());
  assert.equal(claim(s, { dryRun: false, limit: 1, worker: 'w', now: '2026-01-01T10:01:00.000Z' }).length, 0);
  const again = claim(s, { dryRun: false, limit: 1, worker: 'w', now: '2026-01-01T10:06:00.000Z' });
  assert.equal(again.length, 1);
  assert.equal(again[0].attempts, 2);
});

test('rows a dead worker left mid-send become UNKNOWN when live and go back to the queue when dry', (t) => {
  const { s, messages } = seeded(t, 2);
  const now = new Date().toISOString();
  enqueue(s, { leadId: 1, channel: 'email', step: 1, dryRun: false }, messages[0], now);
  enqueue(s, { leadId: 2, channel: 'email', step: 1, dryRun: true }, messages[1], now);
  claim(s, { dryRun: false, limit: 5, worker: 'dead', now });
  claim(s, { dryRun: true, limit: 5, worker: 'dead', now });
  const r = recoverAbandoned(s, ['dead'], now);
  assert.deepEqual(r, { unknown: 1, requeued: 1 });
  const states = Object.fromEntries(s.stmt('SELECT lead_id, state FROM sends').all().map((x) => [x.lead_id, x.state]));
  assert.deepEqual(states, { 1: 'UNKNOWN', 2: 'QUEUED' });
  // UNKNOWN is never claimed on its own.
  assert.equal(claim(s, { dryRun: false, limit: 5, worker: 'next', now }).length, 0);
});
