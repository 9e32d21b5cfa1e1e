import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStorePath } from './support/tmp';
import { openStore, type Store } from '../lib/store/store';
import { ingestLeads } from '../lib/leads/ingest';
import { getMetrics } from '../lib/metrics/metrics';
import { compareVariants, abTestReport } from '../lib/metrics/abTest';
import { formatFunnel } from '../bin/cli/funnel';

const NOW = '2026-11-25T00:00:00.000Z';

/** Leads as the ledger leaves them: `steps` sent (live unless dryRun), then an outcome written where recordEvent writes it. */
function sentLeads(store: Store, variant: 'A' | 'B', n: number, opts: { steps?: number; outcome?: 'REPLIED' | 'BOUNCED' | 'unsubscribe'; dryRun?: boolean } = {}): void {
  const start = Number(store.stmt('SELECT count(*) AS n FROM leads').get()?.n ?? 0);
  const inputs = Array.from({ length: n }, (_, i) => ({
    firstName: 'P', lastName: 'Q', email: `p${start + i}@northwind-traders.com`, title: 'CTO', company: 'Northwind', website: 'https://northwind-traders.com',
    linkedinUrl: '', industry: 'SaaS', country: 'Germany', timezone: 'Europe/Berlin', synthetic: false, source: 'test',
  }));
  for (const { id } of ingestLeads(store, inputs, NOW).inserted) {
    store.stmt('UPDATE leads SET variant = ?, status = ? WHERE id = ?').run(variant, opts.outcome === 'REPLIED' || opts.outcome === 'BOUNCED' ? opts.outcome : 'SENT', id);
    for (let step = 1; step <= (opts.steps ?? 1); step++) {
      const msg = store
        .stmt("INSERT INTO messages (lead_id, channel, variant, step, subject, body, word_count, source, created_at) VALUES (?, 'email', ?, ?, 's', 'b', 1, 'test', ?) RETURNING id")
        .get(id, variant, step, NOW);
      store
        .stmt("INSERT INTO sends (lead_id, channel, step, dry_run, message_id, state, sent_at, created_at, updated_at) VALUES (?, 'email', ?, ?, ?, 'SENT', ?, ?, ?)")
        .run(id, step, opts.dryRun ? 1 : 0, Number(msg?.id), NOW, NOW, NOW);
    }
    if (opts.outcome === 'unsubscribe') store.stmt("INSERT INTO events (lead_id, type, created_at) VALUES (?, 'unsubscribe', ?)").run(id, NOW);
  }
}

function freshStore(t: import('node:test').TestContext): Store {
  const store = openStore(tempStorePath(t));
  t.after(() => store.close());
  return store;
}

test('a clear difference is called a winner with its p-value', () => {
  const c = compareVariants({ sent: 1000, replies: 80 }, { sent: 1000, replies: 40 });
  assert.equal(c.test, 'z-test');
  assert.equal(c.winner, 'A');
  assert.ok(c.pValue! < 0.001);
  assert.match(c.verdict, /^A wins: 8\.0% vs 4\.0% reply rate \(p < 0\.001, z-test\)$/);
});

test('a difference that is not significant yet says how many more sends would settle it', () => {
  // 5% vs 10% at 100 sends each: Fleiss (continuity-corrected) needs 474 per variant → 374 + 374 more.
  const c = compareVariants({ sent: 100, replies: 5 }, { sent: 100, replies: 10 });
  assert.equal(c.winner, null);
  assert.equal(c.moreSendsNeeded, 748);
  assert.match(c.verdict, /^not enough data yet \(need about 748 more sends; p = 0\.\d{3}\)$/);
});

test("small counts use Fisher's exact test (an expected cell under 5)", () => {
  // The lady tasting tea: 3/4 vs 1/4, two-sided p = 34/70.
  const c = compareVariants({ sent: 4, replies: 3 }, { sent: 4, replies: 1 });
  assert.equal(c.test, 'fisher-exact');
  assert.ok(Math.abs(c.pValue! - 34 / 70) < 1e-9);
  assert.equal(c.winner, null);
});

test('the winner is called only below the chosen alpha', () => {
  const strict = compareVariants({ sent: 1000, replies: 80 }, { sent: 1000, replies: 57 }, { alpha: 0.01 });
  const loose = compareVariants({ sent: 1000, replies: 80 }, { sent: 1000, replies: 57 }, { alpha: 0.05 });
  assert.ok(strict.pValue! > 0.01 && strict.pValue! < 0.05, `p = ${strict.pValue}`);
  assert.equal(strict.winner, null);
  assert.equal(loose.winner, 'A');
});

test('a variant with nothing sent gets no test, and equal rates get no sample-size guess', () => {
  assert.match(compareVariants({ sent: 10, replies: 1 }, { sent: 0, replies: 0 }).verdict, /nothing sent for variant B/);
  const same = compareVariants({ sent: 50, replies: 0 }, { sent: 50, replies: 0 });
  assert.equal(same.moreSendsNeeded, null);
  assert.match(same.verdict, /no difference between A and B so far/);
});

test('getMetrics reports sends, replies, bounces and unsubscribes per variant with Wilson intervals', async (t) => {
  const store = freshStore(t);
  sentLeads(store, 'A', 20, { outcome: 'REPLIED' });
  sentLeads(store, 'A', 3, { outcome: 'BOUNCED' });
  sentLeads(store, 'A', 77);
  sentLeads(store, 'B', 5, { outcome: 'REPLIED' });
  sentLeads(store, 'B', 2, { outcome: 'unsubscribe' });
  sentLeads(store, 'B', 93);
  const ab = (await getMetrics(store)).abTest;
  assert.equal(ab.basis, 'live');
  const [a, b] = ab.variants;
  assert.deepEqual({ ...a, replyRateInterval: undefined }, { variant: 'A', sent: 100, replies: 20, bounces: 3, unsubscribes: 0, replyRate: 0.2, replyRateInterval: undefined });
  assert.deepEqual([b.sent, b.replies, b.bounces, b.unsubscribes], [100, 5, 0, 2]);
  // Wilson 95% for 20/100: 0.1334–0.2888.
  assert.ok(Math.abs(a.replyRateInterval.low - 0.1334) < 5e-5 && Math.abs(a.replyRateInterval.high - 0.2888) < 5e-5);
  assert.equal(ab.comparison.winner, 'A');
});

test('per step, a lead counts as sent at each step it got and its reply is credited to its last step', async (t) => {
  const store = freshStore(t);
  sentLeads(store, 'A', 10, { steps: 2, outcome: 'REPLIED' });
  sentLeads(store, 'A', 10, { steps: 1, outcome: 'REPLIED' });
  sentLeads(store, 'B', 10, { steps: 2 });
  const ab = await abTestReport(store);
  assert.deepEqual(ab.steps.map((s) => [s.step, s.variants.map((v) => [v.variant, v.sent, v.replies])]), [
    [1, [['A', 20, 10], ['B', 10, 0]]],
    [2, [['A', 10, 10], ['B', 10, 0]]],
  ]);
  assert.deepEqual(ab.variants.map((v) => [v.variant, v.sent, v.replies]), [['A', 20, 20], ['B', 10, 0]]);
});

test('live sends are counted once there are any; dry runs alone are reported as dry runs', async (t) => {
  const store = freshStore(t);
  sentLeads(store, 'A', 4, { dryRun: true });
  assert.equal((await abTestReport(store)).basis, 'dry-run');
  assert.equal((await abTestReport(store)).variants[0].sent, 4);
  sentLeads(store, 'B', 3);
  const live = await abTestReport(store);
  assert.equal(live.basis, 'live');
  assert.deepEqual(live.variants.map((v) => v.sent), [0, 3]);
});

test('the CLI funnel text shows the A/B block with the verdict', async (t) => {
  const store = freshStore(t);
  sentLeads(store, 'A', 100, { outcome: 'REPLIED' });
  sentLeads(store, 'B', 1);
  const text = formatFunnel(await getMetrics(store), store.path);
  assert.match(text, /A\/B test:\n {2}A: 100 sent, 100 replied \(100\.0%, 95% CI 96\.3%–100\.0%\)/);
  assert.match(text, /→ not enough data yet|→ A wins/);
});
