/**
 * Campaigns on both databases (one suite, two drivers): on the shared PostgreSQL store of n8n queue mode a team saves
 * its campaign, activates it, imports leads into it, and every worker writes and dry-runs them in its words, as on a
 * SQLite file. Campaign writes hold one lock across hosts, so two workers saving one new campaign at once make one
 * campaign, not a unique-key error. Through the library and through `leadflow campaign … --db postgres://…`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importRows } from '../lib/leads/importLeads';
import { enrichChosen } from '../lib/enrich/enrichChosen';
import { personalizeChosen } from '../lib/personalize/personalizeChosen';
import { sendReady } from '../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { addLeadsToCampaign, campaignSummary, listCampaigns, saveCampaign, setCampaignState } from '../lib/campaigns/campaigns';
import { previewCampaign } from '../lib/campaigns/preview';
import { parseCampaignText } from '../lib/campaigns/spec';
import { openDb, closeDb } from '../lib/store/openDb';
import { bothDrivers, freshLocation, openForTest } from './support/stores';
import { leadflowAwait } from './support/cli';
import { tempDir } from './support/tmp';

const FIXTURE = join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml');
const spec = () => parseCampaignText(readFileSync(FIXTURE, 'utf8'), FIXTURE);

const PROSPECTS = [
  { email: 'dana.ruiz@harborview.example', first_name: 'Dana', title: 'Finance Director', company: 'Harborview Hospitality', website: 'https://harborview.example', 'Number of Sites': '12' },
  { email: 'ops@copperpot.example', title: 'Head of Finance', company: 'Copper Pot Group', website: 'https://copperpot.example', 'Number of Sites': '7' },
  { email: 'lee.wong@bluefin.example', first_name: 'Lee', title: 'Controller', company: 'Bluefin Kitchens', website: 'https://bluefin.example', 'Number of Sites': '30' },
];

bothDrivers('a campaign is saved, activated, filled, written in its own words and dry-run, with its own funnel', async (t, store) => {
  const saved = await saveCampaign(store, spec());
  assert.deepEqual([saved.created, saved.campaign.state], [true, 'draft']);
  const report = await importRows(store, PROSPECTS, { source: 'test', campaign: 'payroll-restaurants' });
  assert.equal(report.ids.length, 3);
  await assert.rejects(setCampaignState(store, 'payroll-restaurants', 'finished').then(() => setCampaignState(store, 'payroll-restaurants', 'active')), /is finished; it can become nothing else, not active/);
  // A finished campaign stays finished: start again under another name.
  const second = await saveCampaign(store, { ...spec(), name: 'payroll-restaurants-2' }, { state: 'active' });
  const moved = await addLeadsToCampaign(store, 'payroll-restaurants-2', [...report.ids, 999_999]);
  assert.deepEqual([moved.added, moved.unknown], [report.ids, [999_999]]);

  await enrichChosen(store, report.ids);
  await personalizeChosen(store, report.ids, { channels: ['email'] });
  const written = await store.all("SELECT l.email, m.body, m.campaign_id FROM messages m JOIN leads l ON l.id = m.lead_id AND l.variant = m.variant WHERE m.channel = 'email' ORDER BY l.id");
  assert.equal(written.length, 3);
  for (const [email, body, campaignId] of written) {
    assert.equal(Number(campaignId), second.campaign.id, `${String(email)}'s message is the campaign's`);
    assert.match(String(body), /Tillpoint Payroll/);
    assert.match(String(body), /\n\nBest,\nMaria Chen\nAccount Executive, Tillpoint\n\n/);
  }
  const variantA = await store.all("SELECT body FROM messages WHERE channel = 'email' AND variant = 'A' ORDER BY lead_id");
  assert.match(String(variantA[0][0]), /^(Hi|Hello) Dana,\n\nRunning payroll for 12 sites usually means /, 'the custom column and the spintax filled');
  assert.match(String(variantA[1][0]), /^(Hi|Hello) there,/, "the campaign's fallback for a missing first name");

  const sent = await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants-2' }, sendingConfigFromEnv({}, { live: false }));
  assert.deepEqual([sent.simulated, sent.sent], [3, 0]);
  const froms = (await store.all('SELECT headers FROM sends ORDER BY lead_id')).map(([h]) => (JSON.parse(String(h)) as Record<string, string>).From);
  assert.equal(froms.length, 3);
  for (const from of froms) assert.match(from, /^"?Maria Chen"? </, "the dry run records each email as the campaign's sender sends it");
  // A lead its campaign has sent to (a dry run counts) stays with it when asked to join another, and says so.
  const back = await addLeadsToCampaign(store, 'demo', [report.ids[0]]);
  assert.deepEqual([back.added, back.kept], [[], [{ leadId: report.ids[0], campaign: 'payroll-restaurants-2' }]]);
  const list = await listCampaigns(store);
  assert.deepEqual(
    list.map((c) => [c.name, c.state, c.leads, c.byStatus.MESSAGED ?? 0]),
    [['demo', 'active', 0, 0], ['payroll-restaurants', 'finished', 0, 0], ['payroll-restaurants-2', 'active', 3, 3]],
  );
  assert.equal((await campaignSummary(store, 'payroll-restaurants-2')).leads, 3);
  const preview = await previewCampaign(store, 'payroll-restaurants-2', { leads: 1 });
  assert.deepEqual(preview.samples.map((x) => [x.step, x.variant]), [[1, 'A'], [1, 'B'], [2, 'A']], 'every step and variant of the campaign');
  assert.equal(new Set(preview.samples.map((x) => x.leadId)).size, 1, 'for one of its leads');
  assert.match(preview.samples[0].body, /Tillpoint Payroll/);
});

bothDrivers('two workers saving one new campaign at once make one campaign: one creates it, the other updates it', async (t, store, driver) => {
  // The other worker's own connection (on SQLite, another handle on the same file).
  const other = await openDb(store.location);
  t.after(() => closeDb(other));
  const results = await Promise.all([saveCampaign(store, spec()), saveCampaign(other, spec())]);
  assert.deepEqual(results.map((r) => r.created).sort(), [false, true], driver);
  assert.deepEqual((await listCampaigns(store)).map((c) => c.name), ['demo', 'payroll-restaurants']);
});

test('`leadflow campaign create/activate/list` and `import --campaign` with `--db postgres://…` work on the shared store', async (t) => {
  const url = await freshLocation(t, 'postgres');
  const created = await leadflowAwait(['campaign', 'create', '--file', FIXTURE, '--db', url]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^created campaign "payroll-restaurants" \(#2, draft\): Tillpoint Payroll from Maria Chen, 2 step\(s\), 0 lead\(s\)/);
  const activated = await leadflowAwait(['campaign', 'activate', 'payroll-restaurants', '--db', url]);
  assert.equal(activated.code, 0, activated.stderr);
  const csv = join(tempDir(t), 'prospects.csv');
  writeFileSync(csv, ['Email,First Name,Company,Website,Number of Sites', ...PROSPECTS.map((p) => [p.email, p.first_name ?? '', p.company, p.website, p['Number of Sites']].join(','))].join('\n'));
  const imported = await leadflowAwait(['import', csv, '--campaign', 'payroll-restaurants', '--db', url]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^3 of 3 row\(s\) imported into postgres:\/\/.+, campaign "payroll-restaurants"\nread as .+\nfields: .+\nkept as attributes: "Number of Sites"\n/);
  const listed = await leadflowAwait(['campaign', 'list', '--json', '--db', url]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    (JSON.parse(listed.stdout) as { name: string; state: string; leads: number }[]).map((c) => [c.name, c.state, c.leads]),
    [['demo', 'active', 0], ['payroll-restaurants', 'active', 3]],
  );
  const store = await openForTest(t, url);
  assert.deepEqual(await store.all('SELECT name, state FROM campaigns ORDER BY id'), [['demo', 'active'], ['payroll-restaurants', 'active']]);
  // Written (by a node, say), then sent from a shell: step 1 goes (dry run), and the campaign's step 2 is scheduled
  // three business days later, from its file.
  const ids = (await store.all('SELECT id FROM leads ORDER BY id')).map(([id]) => Number(id));
  await enrichChosen(store, ids);
  await personalizeChosen(store, ids, { channels: ['email'] });
  const sent = await leadflowAwait(['send', '--sequence', '--campaign', 'payroll-restaurants', '--db', url]);
  assert.equal(sent.code, 0, sent.stderr);
  assert.match(sent.stdout, /^Dry run: \d+ newly queued, 3 follow-up\(s\) scheduled\. 3 simulated/);
  const steps = await store.all('SELECT step, state, count(*) FROM sends GROUP BY step, state ORDER BY step');
  assert.deepEqual(steps.map(([step, state, n]) => [Number(step), state, Number(n)]), [[1, 'SENT', 3], [2, 'QUEUED', 3]]);
  const preview = await leadflowAwait(['preview', PROSPECTS[0].email, '--db', url]);
  assert.equal(preview.code, 0, preview.stderr);
  assert.match(preview.stdout.replace(/\r\n[ \t]+/g, ' '), /^Subject: .*Harborview Hospitality/m, 'the email as recorded in the shared ledger');
  assert.match(preview.stdout, /^From: "?Maria Chen"? </m);
  const unknown = await leadflowAwait(['campaign', 'show', 'nope', '--db', url]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no campaign "nope" in the store; campaigns: demo, payroll-restaurants/);
});
