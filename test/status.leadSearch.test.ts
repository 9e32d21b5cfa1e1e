/**
 * The status page's lead API for search and deep paging: `GET /api/leads?q=` finds leads by name, email or company
 * as a search box should, counts a common search to its cap, and `?after=` / `?before=` give the same pages as
 * `?page=` at any depth; a cursor that makes no sense is a 400 that says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { ingestLeads } from '../lib/leads/ingest';
import { listLeads } from '../lib/store/leads';
import { SEARCH_COUNT_CAP } from '../lib/store/leadSearch';
import type { LeadInput } from '../lib/types';
import { startTestStatusServer } from './support/browserServer';
import { person } from './support/goodLead';


async function seed(s: Store): Promise<void> {
  await runPipeline(s, { leads: 120, seed: 5, channels: ['email'], batchSize: 50 });
  s.tx(() =>
    ingestLeads(
      s,
      [person('Renée', 'Åström', 'renee.astrom@nordlys.example', 'Nordlys Bank'), person('Marc', 'Nordlund', 'marc@tundra.example', 'Tundra Freight')],
      new Date().toISOString(),
    ),
  );
}

interface LeadsBody {
  total: number;
  totalIsLowerBound: boolean;
  page: number | null;
  pages: number;
  hasMore: boolean;
  leads: { id: number; email: string }[];
}

async function leads(url: string, query: string): Promise<LeadsBody> {
  const res = await fetch(`${url}/api/leads?${query}`);
  assert.equal(res.status, 200, `${query}: ${await res.clone().text()}`);
  return (await res.json()) as LeadsBody;
}

test('GET /api/leads?q= finds a lead by first name, last name, whole email, domain and company, ignoring case and accents', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  const found = async (q: string) => (await leads(h.url, 'q=' + encodeURIComponent(q))).leads.map((l) => l.email);
  assert.deepEqual(await found('renee'), ['renee.astrom@nordlys.example']);
  assert.deepEqual(await found('ASTROM'), ['renee.astrom@nordlys.example']);
  assert.deepEqual(await found('Renée Åström'), ['renee.astrom@nordlys.example']);
  assert.deepEqual(await found('renee.astrom@nordlys.example'), ['renee.astrom@nordlys.example']);
  assert.deepEqual(await found('nordlys.example'), ['renee.astrom@nordlys.example']);
  assert.deepEqual(await found('nord'), ['renee.astrom@nordlys.example', 'marc@tundra.example'], 'a word start: Nordlys and Nordlund');
  assert.deepEqual(await found('nord tundra'), ['marc@tundra.example'], 'every word must match');
  assert.deepEqual(await found('tundra freight'), ['marc@tundra.example']);
  const generated = listLeads(h.store, { limit: 1, offset: 60 }).leads[0];
  assert.ok((await found(`${generated.firstName} ${generated.lastName}`)).includes(generated.email), 'a generated lead by its full name');
  for (const hostile of ['"', 'NEAR(', 'a AND', '*', '-', 'x OR']) {
    const body = await leads(h.url, 'q=' + encodeURIComponent(hostile));
    assert.equal(typeof body.total, 'number', hostile);
  }
});

test('?after= and ?before= give the same pages as ?page=, forward and back, with a status and a search', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  h.store.stmt("UPDATE leads SET status = 'REPLIED' WHERE id % 3 = 0").run();
  for (const filter of ['status=MESSAGED', 'q=of', 'q=of&status=MESSAGED', '']) {
    const first = await leads(h.url, `${filter}&limit=10`);
    const pages: number[][] = [];
    for (let page = 1; page <= first.pages; page++) pages.push((await leads(h.url, `${filter}&limit=10&page=${page}`)).leads.map((l) => l.id));
    assert.ok(pages.length >= 3, `${filter}: several pages`);
    const forward: number[][] = [first.leads.map((l) => l.id)];
    let body = first;
    while (body.hasMore) {
      body = await leads(h.url, `${filter}&limit=10&after=${body.leads.at(-1)!.id}`);
      assert.equal(body.page, null, 'a cursor page has no page number');
      assert.equal(body.total, first.total, 'the total is of every page, not what follows the cursor');
      forward.push(body.leads.map((l) => l.id));
    }
    assert.deepEqual(forward, pages, `${filter}: Next, Next, …`);
    const backward = [forward.at(-1)!];
    for (;;) {
      body = await leads(h.url, `${filter}&limit=10&before=${backward[0][0]}`);
      if (body.leads.length === 0) break;
      backward.unshift(body.leads.map((l) => l.id));
      if (!body.hasMore) break;
    }
    assert.deepEqual(backward, pages, `${filter}: Previous, Previous, …`);
  }
});

test(`a search matching more than ${SEARCH_COUNT_CAP.toLocaleString('en')} leads says its total is a lower bound; a status total stays exact`, async (t) => {
  const many = Array.from({ length: SEARCH_COUNT_CAP + 30 }, (_, i) => person(`Pat${i}`, 'Plenty', `pat${i}@plenty.example`, 'Plenty Co'));
  const h = await startTestStatusServer(t, { seed: (s) => void s.tx(() => ingestLeads(s, many, new Date().toISOString())) });
  const common = await leads(h.url, 'q=plenty&limit=25');
  assert.deepEqual([common.total, common.totalIsLowerBound, common.leads.length, common.hasMore], [SEARCH_COUNT_CAP, true, 25, true]);
  const rare = await leads(h.url, 'q=pat123');
  assert.deepEqual([rare.total, rare.totalIsLowerBound], [11, false], 'pat123 and pat1230–pat1239');
  const byStatus = await leads(h.url, 'status=NEW&limit=1');
  assert.deepEqual([byStatus.total, byStatus.totalIsLowerBound], [SEARCH_COUNT_CAP + 30, false]);
});

test('a bad cursor is a 400 that names it and says why', async (t) => {
  const h = await startTestStatusServer(t, { seed });
  for (const [query, pattern] of [
    ['after=abc', /after: must be a whole number/],
    ['after=0', /after: must be a lead id/],
    ['before=-4', /before: must be a whole number/],
    ['after=1e3', /after: must be a whole number/],
    ['after=5&before=9', /before: cannot be combined with after/],
    ['page=2&after=5', /page: cannot be combined with after or before/],
    ['page=2&before=5', /page: cannot be combined with after or before/],
  ] as const) {
    const res = await fetch(`${h.url}/api/leads?${query}`);
    assert.equal(res.status, 400, query);
    const body = (await res.json()) as { error: string };
    assert.match(body.error, pattern, `${query}: ${body.error}`);
  }
});
