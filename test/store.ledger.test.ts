/**
 * The send ledger on both databases (one suite, two drivers): SQLite's file and PostgreSQL, each opened as users open
 * them. The races at the end run on separate connections, as workers on several hosts would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueue, claim, settle, recoverAbandoned, reapDeadClaims, CLAIM_LEASE_MS, type ClaimedSend } from '../lib/sending/ledger';
import { budget, spend } from '../lib/sending/limits';
import { bothDrivers, freshLocation, openForTest, seedLeadsWithMessages, sendStates, TEST_DRIVERS } from './support/stores';

const live = (leadId: number) => ({ leadId, channel: 'email' as const, step: 1, dryRun: false });

bothDrivers('enqueueing the same lead, channel and step twice keeps one ledger row', async (t, s) => {
  const { leads, messages } = await seedLeadsWithMessages(s, 1);
  const now = new Date().toISOString();
  assert.equal(await enqueue(s, live(leads[0]), messages[0], now), true);
  assert.equal(await enqueue(s, live(leads[0]), messages[0], now), false);
  assert.deepEqual(await sendStates(s), { QUEUED: 1 });
});

bothDrivers('a dry run never takes the slot of the live send', async (t, s) => {
  const { leads, messages } = await seedLeadsWithMessages(s, 1);
  const now = new Date().toISOString();
  assert.equal(await enqueue(s, { ...live(leads[0]), dryRun: true }, messages[0], now), true);
  assert.equal(await enqueue(s, live(leads[0]), messages[0], now), true);
});

bothDrivers('two workers claiming in turn never get the same row', async (t, s) => {
  const { leads, messages } = await seedLeadsWithMessages(s, 50);
  const now = new Date().toISOString();
  await s.transaction(async (tx) => {
    for (const [i, m] of messages.entries()) await enqueue(tx, live(leads[i]), m, now);
  });
  const a = await claim(s, { dryRun: false, limit: 30, worker: 'a', now });
  const b = await claim(s, { dryRun: false, limit: 30, worker: 'b', now });
  assert.equal(a.length, 30);
  assert.equal(b.length, 20);
  assert.equal(new Set([...a, ...b].map((r) => r.id)).size, 50);
});

bothDrivers('a settlement by a worker that does not hold the claim changes nothing', async (t, s) => {
  const { leads, messages } = await seedLeadsWithMessages(s, 1);
  const now = new Date().toISOString();
  await enqueue(s, live(leads[0]), messages[0], now);
  const [row] = await claim(s, { dryRun: false, limit: 1, worker: 'holder', now });
  assert.equal(await settle(s, row.id, 'intruder', { state: 'FAILED', error: 'x' }, now), false);
  const sent = { state: 'SENT' as const, envelopeFrom: 'a@x.example', envelopeTo: 'p0@ledger.example', rfcMessageId: '<1@x>', headers: null, response: '250 ok' };
  assert.equal(await settle(s, row.id, 'holder', sent, now), true);
  assert.deepEqual(await sendStates(s), { SENT: 1 });
});

bothDrivers('a transient fault puts the row back in the queue, not due until its next attempt', async (t, s) => {
  const { leads, messages } = await seedLeadsWithMessages(s, 1);
  const now = '2026-01-01T10:00:00.000Z';
  await enqueue(s, live(leads[0]), messages[0], now);
  const [row] = await claim(s, { dryRun: false, limit: 1, worker: 'w', now });
  await settle(s, row.id, 'w', { state: 'QUEUED', error: '421 try later', nextAttemptAt: '2026-01-01T10:05:00.000Z' }, now);
  assert.equal((await claim(s, { dryRun: false, limit: 1, worker: 'w', now: '2026-01-01T10:01:00.000Z' })).length, 0);
  const again = await claim(s, { dryRun: false, limit: 1, worker: 'w', now: '2026-01-01T10:06:00.000Z' });
  assert.equal(again.length, 1);
  assert.equal(again[0].attempts, 2);
});

bothDrivers('rows a dead worker left mid-send become UNKNOWN when live and go back to the queue when dry', async (t, s) => {
  const { leads, messages } = await seedLeadsWithMessages(s, 2);
  const now = new Date().toISOString();
  await enqueue(s, live(leads[0]), messages[0], now);
  await enqueue(s, { ...live(leads[1]), dryRun: true }, messages[1], now);
  await claim(s, { dryRun: false, limit: 5, worker: 'dead', now });
  await claim(s, { dryRun: true, limit: 5, worker: 'dead', now });
  assert.deepEqual(await recoverAbandoned(s, ['dead'], now), { unknown: 1, requeued: 1 });
  const states = Object.fromEntries((await s.all('SELECT lead_id, state FROM sends')).map((x) => [Number(x[0]), x[1]]));
  assert.deepEqual(states, { [leads[0]]: 'UNKNOWN', [leads[1]]: 'QUEUED' });
  // UNKNOWN is never claimed on its own.
  assert.equal((await claim(s, { dryRun: false, limit: 5, worker: 'next', now })).length, 0);
});

bothDrivers('a claim held by a worker on another host is recovered once it outlives the lease, never before', async (t, s) => {
  const { leads, messages } = await seedLeadsWithMessages(s, 3);
  const at = Date.parse('2026-06-01T10:00:00.000Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const [i, m] of messages.entries()) await enqueue(s, { ...live(leads[i]), dryRun: i === 2 }, m, iso(at));
  // Another host's workers: this host cannot ask whether their processes live.
  await claim(s, { dryRun: false, limit: 1, worker: '4242@worker-b.internal#send', now: iso(at) });
  await claim(s, { dryRun: true, limit: 1, worker: '4242@worker-b.internal#send', now: iso(at) });
  await claim(s, { dryRun: false, limit: 1, worker: '777@worker-c.internal#send', now: iso(at + CLAIM_LEASE_MS - 60_000) });
  assert.deepEqual(await reapDeadClaims(s, iso(at + CLAIM_LEASE_MS - 1_000)), { unknown: 0, requeued: 0 }, 'within the lease nothing is taken');
  assert.deepEqual(await reapDeadClaims(s, iso(at + CLAIM_LEASE_MS + 1_000)), { unknown: 1, requeued: 1 });
  const states = Object.fromEntries((await s.all('SELECT lead_id, state FROM sends')).map((x) => [Number(x[0]), x[1]]));
  assert.deepEqual(states, { [leads[0]]: 'UNKNOWN', [leads[1]]: 'SENDING', [leads[2]]: 'QUEUED' }, 'the younger claim is still held');
});

for (const driver of TEST_DRIVERS) {
  test(`four workers on their own connections claiming at once never get the same row [${driver}]`, async (t) => {
    const location = await freshLocation(t, driver);
    const workers = await Promise.all([1, 2, 3, 4].map(() => openForTest(t, location)));
    const { leads, messages } = await seedLeadsWithMessages(workers[0], 200);
    const now = new Date().toISOString();
    await workers[0].transaction(async (tx) => {
      for (const [i, m] of messages.entries()) await enqueue(tx, live(leads[i]), m, now);
    });
    // Each worker claims small batches until the queue is empty, all four at the same time.
    const won = await Promise.all(
      workers.map(async (w, i) => {
        const mine: ClaimedSend[] = [];
        for (;;) {
          const rows = await claim(w, { dryRun: false, limit: 7, worker: `w${i}`, now });
          if (!rows.length) return mine;
          mine.push(...rows);
        }
      }),
    );
    const all = won.flat();
    assert.equal(all.length, 200, 'every queued row claimed exactly once');
    assert.equal(new Set(all.map((r) => r.id)).size, 200, 'no row claimed twice');
    assert.deepEqual(await sendStates(workers[0]), { SENDING: 200 });
    // Each row is held by the worker that got it back from its claim.
    const holders = new Map((await workers[0].all('SELECT id, claimed_by FROM sends')).map((r) => [Number(r[0]), r[1]]));
    for (const [i, rows] of won.entries()) for (const r of rows) assert.equal(holders.get(r.id), `w${i}`);
    if (driver === 'postgres') assert.ok(won.filter((rows) => rows.length > 0).length > 1, 'the claims really ran side by side');
  });

  test(`a daily cap of 20 holds across four workers spending one mailbox's budget at once [${driver}]`, async (t) => {
    const location = await freshLocation(t, driver);
    const workers = await Promise.all([1, 2, 3, 4].map(() => openForTest(t, location)));
    const { leads, messages } = await seedLeadsWithMessages(workers[0], 60);
    const now = Date.now();
    const iso = new Date(now).toISOString();
    await workers[0].transaction(async (tx) => {
      for (const [i, m] of messages.entries()) await enqueue(tx, live(leads[i]), m, iso);
    });
    const limits = { ratePerMinute: 0, dailyCap: 20, bounceThreshold: 0, bounceSample: 200 };
    // What sendQueued does for each batch: read the budget, claim what it allows, spend it — one transaction.
    const sent = await Promise.all(
      workers.map(async (w, i) => {
        let n = 0;
        for (;;) {
          const got = await w.transaction(async (tx) => {
            const b = await budget(tx, 'Sales@Sender.example', limits, now);
            if (b.allowed <= 0) return 0;
            const rows = await claim(tx, { dryRun: false, limit: Math.min(3, b.allowed), worker: `w${i}`, now: iso });
            await spend(tx, 'sales@sender.example', rows.map((r) => r.id), now);
            return rows.length;
          });
          if (got === 0) return n;
          n += got;
        }
      }),
    );
    assert.equal(sent.reduce((a, b) => a + b, 0), 20, `claimed per worker: ${sent.join(', ')}`);
    assert.equal(Number((await workers[0].get('SELECT count(*) FROM send_attempts'))![0]), 20);
    assert.deepEqual(await sendStates(workers[0]), { QUEUED: 40, SENDING: 20 });
  });
}
