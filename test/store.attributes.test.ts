/**
 * Custom attributes in the store (schema v8, leads.attributes): written with the lead, read back whole, listed in
 * the order leads brought them, and a store from before them migrated with every lead at {}. In the store suite, so
 * it runs on both SQLite drivers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../lib/store/store';
import { MIGRATIONS } from '../lib/store/schema';
import { resolveDriver } from '../lib/store/driver';
import { attributeNames, getLeadByEmail, leadAttributes } from '../lib/store/leads';
import { importRows } from '../lib/leads/importLeads';
import { tempStorePath } from './support/tmp';

test('attributes go in with their lead and come back whole, "__proto__" and all; a lead without any has {}', async (t) => {
  const s = openStore(tempStorePath(t));
  t.after(() => s.close());
  // As JSON text: JSON.parse makes "__proto__" an own key, as a CSV header or an n8n item can.
  const rows = JSON.parse(`[
    { "email": "ann@acme.example", "company": "Acme", "Seniority": "VP", "__proto__": "odd", "Notes": "" },
    { "email": "bo@beta.example", "company": "Beta" },
    { "email": "cy@gamma.example", "company": "Gamma", "Region": "EMEA", "Seniority": "C-level" }
  ]`) as Record<string, unknown>[];
  assert.equal((await importRows(s, rows, { source: 'test' })).inserted, 3);
  const ann = getLeadByEmail(s, 'ann@acme.example')!;
  const attributes = leadAttributes(s, ann.id);
  assert.deepEqual(Object.entries(attributes), [['Seniority', 'VP'], ['__proto__', 'odd']]);
  assert.deepEqual(leadAttributes(s, getLeadByEmail(s, 'bo@beta.example')!.id), {});
  assert.equal(s.stmt("SELECT attributes FROM leads WHERE email = 'bo@beta.example'").get()?.attributes, '{}');
  assert.deepEqual(attributeNames(s), ['Seniority', '__proto__', 'Region']);
  assert.deepEqual(attributeNames(s, 'SENT'), []);
});

test('a store from before attributes is migrated with every lead at {}, and the column takes only a JSON object', (t) => {
  const path = tempStorePath(t);
  const { open } = resolveDriver();
  const raw = open(path);
  for (const sql of MIGRATIONS.slice(0, 7)) raw.exec(sql);
  raw.exec('PRAGMA user_version = 7');
  const now = new Date().toISOString();
  raw.prepare(`INSERT INTO leads (email, first_name, last_name, title, company, company_domain, website, industry, country, timezone, source, variant, created_at, updated_at)
    VALUES ('old@engines.example', 'Ada', 'L', 'CTO', 'Engines', 'engines.example', 'https://engines.example', 'Technology', 'UK', 'Europe/London', 'test', 'A', ?, ?)`).run(now, now);
  raw.close();

  const s = openStore(path);
  t.after(() => s.close());
  const old = getLeadByEmail(s, 'old@engines.example')!;
  assert.deepEqual(leadAttributes(s, old.id), {});
  for (const bad of ['[1,2]', 'not json', '"text"']) {
    assert.throws(() => s.stmt('UPDATE leads SET attributes = ? WHERE id = ?').run(bad, old.id), /CHECK constraint failed/, bad);
  }
});
