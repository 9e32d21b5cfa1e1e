import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { openStore, type Store } from '../lib/store/store';
import { runPipeline } from '../lib/pipeline/pipeline';
import { listLeads, getLeadByEmail } from '../lib/store/leads';
import { emailHash, suppress, suppressionReason } from '../lib/store/suppressions';
import { ingestLeads } from '../lib/leads/ingest';
import { generateLeads } from '../lib/leads/generate/generate';
import { eraseEmail, EraseError } from '../lib/leads/erase';
import { tempStorePath } from './support/tmp';
import { leadflow } from './support/cli';
import { startTestStatusServer } from './support/browserServer';

async function storeWithLeads(t: import('node:test').TestContext, n = 60): Promise<Store> {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  await runPipeline(s, { leads: n, seed: 21, channels: ['email', 'linkedin'] });
  return s;
}

function rowsAbout(s: Store, leadId: number): Record<string, number> {
  const n = (sql: string) => Number(s.stmt(sql).get(leadId)?.n);
  return {
    leads: n('SELECT count(*) AS n FROM leads WHERE id = ?'),
    enrichments: n('SELECT count(*) AS n FROM enrichments WHERE lead_id = ?'),
    messages: n('SELECT count(*) AS n FROM messages WHERE lead_id = ?'),
    sends: n('SELECT count(*) AS n FROM sends WHERE lead_id = ?'),
    events: n('SELECT count(*) AS n FROM events WHERE lead_id = ?'),
  };
}

test('erasing a person deletes every row about them and suppresses their address by hash only', async (t) => {
  const s = await storeWithLeads(t);
  const [victim, bystander] = listLeads(s, { limit: 2, offset: 10 }).leads;
  const now = new Date().toISOString();
  s.stmt("INSERT INTO events (lead_id, type, detail, created_at) VALUES (?, 'reply', '{}', ?)").run(victim.id, now);
  s.stmt("INSERT INTO events (lead_id, type, detail, created_at) VALUES (NULL, 'bounce', ?, ?)").run(JSON.stringify({ to: victim.email.toUpperCase() }), now);
  suppress(s, 'email', victim.email, 'unsubscribed', now);
  const bystanderBefore = rowsAbout(s, bystander.id);

  const r = await eraseEmail(s, `  ${victim.email.toUpperCase()} `);
  assert.equal(r.leadId, victim.id);
  assert.deepEqual(r.deleted, { leads: 1, enrichments: 1, messages: 4, sends: 2, events: 2, suppressions: 1 });
  assert.deepEqual(rowsAbout(s, victim.id), { leads: 0, enrichments: 0, messages: 0, sends: 0, events: 0 });
  assert.equal(s.stmt('SELECT count(*) AS n FROM events WHERE detail LIKE ?').get(`%${victim.email}%`)?.n, 0);
  const suppressions = s.stmt('SELECT kind, value FROM suppressions').all().map((r) => ({ ...r }));
  assert.deepEqual(suppressions, [{ kind: 'email_sha256', value: emailHash(victim.email) }], 'no readable copy of the address is left');
  assert.deepEqual(rowsAbout(s, bystander.id), bystanderBefore, 'nobody else is touched');
});

test('an erased address is never imported again and never mailed', async (t) => {
  const s = await storeWithLeads(t);
  const victim = listLeads(s, { limit: 1, offset: 3 }).leads[0];
  await eraseEmail(s, victim.email);
  const again = generateLeads({ seed: 21, count: 60 }).find((l) => l.email === victim.email)!;
  const r = s.tx(() => ingestLeads(s, [again], new Date().toISOString()));
  assert.equal(r.inserted.length, 0);
  assert.match(r.skipped[0].reason, /erased/);
  assert.equal(getLeadByEmail(s, victim.email), undefined);
  assert.match(suppressionReason(s, victim.email) ?? '', /suppressed/);
});

test('erasing an address the store does not hold still blocks it for the future', async (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  const r = await eraseEmail(s, 'someone@nowhere.example');
  assert.equal(r.leadId, null);
  assert.match(suppressionReason(s, 'Someone@Nowhere.example') ?? '', /suppressed/);
  await assert.rejects(eraseEmail(s, 'not an address'), EraseError);
});

test('after an erasure the address is not left in the store file or its write-ahead log', async (t) => {
  const s = await storeWithLeads(t, 300);
  const victim = listLeads(s, { limit: 1, offset: 150 }).leads[0];
  const needle = Buffer.from(victim.email);
  const onDisk = () => [s.path, s.path + '-wal'].filter((f) => existsSync(f) && readFileSync(f).includes(needle));
  s.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  assert.deepEqual(onDisk(), [s.path], 'the address was in the file before');
  await eraseEmail(s, victim.email);
  assert.deepEqual(onDisk(), []);
});

test('`leadflow erase EMAIL` erases the person and says the address is now suppressed', async (t) => {
  const path = tempStorePath(t);
  const s = openStore(path);
  await runPipeline(s, { leads: 20, seed: 4, channels: ['email'] });
  const victim = listLeads(s, { limit: 1, offset: 5 }).leads[0];
  s.close();

  const r = leadflow(['--db', path, 'erase', victim.email]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`erased lead #${victim.id}`));
  assert.match(r.stdout, /suppression list as a one-way hash/);
  const after = openStore(path);
  t.after(() => after.close());
  assert.equal(getLeadByEmail(after, victim.email), undefined);
  assert.equal(listLeads(after).total, 19);

  const bad = leadflow(['--db', path, 'erase', 'nobody']);
  assert.equal(bad.code, 2, 'a bad address is input: exit 2');
  assert.match(bad.stderr, /not an email address/);
});

test('DELETE /api/leads/:id erases over HTTP, then answers 404 for the same id', async (t) => {
  const h = await startTestStatusServer(t, {
    seed: async (s) => {
      await runPipeline(s, { leads: 15, seed: 8, channels: ['email'] });
    },
  });
  const victim = listLeads(h.store, { limit: 1, offset: 2 }).leads[0];
  const res = await h.authed(`/api/leads/${victim.id}`, { method: 'DELETE' });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { erased: boolean; deleted: { messages: number } };
  assert.equal(body.erased, true);
  assert.equal(body.deleted.messages, 2);
  assert.equal(getLeadByEmail(h.store, victim.email), undefined);
  assert.match(suppressionReason(h.store, victim.email) ?? '', /suppressed/);
  assert.ok(!h.logText().includes(victim.email), 'the erased address is not written to the log');
  const again = await h.authed(`/api/leads/${victim.id}`, { method: 'DELETE' });
  assert.equal(again.status, 404);
});
