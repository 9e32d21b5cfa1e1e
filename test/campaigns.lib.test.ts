import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../lib/store/store';
import { resolveDriver } from '../lib/store/driver';
import { MIGRATIONS } from '../lib/store/schema';
import { importCsvFile, importRows } from '../lib/leads/importLeads';
import { enrichNewLeads } from '../lib/enrich/stage';
import { personalizeEnriched } from '../lib/personalize/stage';
import { personalizeEnrichedWithAi } from '../lib/personalize/aiStage';
import { getLeadByEmail, listLeads } from '../lib/store/leads';
import { messagesForLead } from '../lib/store/messages';
import { createGroqClient } from '../lib/llm/client';
import { sendReady } from '../lib/sending/sendReady';
import { scheduleFollowUps } from '../lib/sending/sequence';
import { previewEmail } from '../lib/sending/preview';
import { sendingConfigFromEnv } from '../lib/sending/config';
import { addLeadsToCampaign, getCampaign, listCampaigns, saveCampaign, setCampaignState, CampaignLintError } from '../lib/campaigns/campaigns';
import { parseCampaignText, CampaignSpecError, type CampaignSpecInput } from '../lib/campaigns/spec';
import { compileTemplate, renderTemplate } from '../lib/campaigns/template';
import { previewCampaign } from '../lib/campaigns/preview';
import { getMetrics } from '../lib/metrics/metrics';
import { answer, startGroqServer } from './support/groqServer';
import { dataOf, outreachCopy } from './support/groqFakeModel';
import { tempDir } from './support/tmp';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN } from './support/liveLeads';

const CAMPAIGN_FILE = join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml');
const campaignText = () => readFileSync(CAMPAIGN_FILE, 'utf8');

// Real prospects as a CRM exports them, one with no first name, and a column no lead field reads.
const PROSPECTS = [
  'Email,First Name,Last Name,Job Title,Company,Website,Number of Sites',
  'dana.ruiz@harborview.example,Dana,Ruiz,Finance Director,Harborview Hospitality,https://harborview.example,12',
  'ops@copperpot.example,,,Head of Finance,Copper Pot Group,https://copperpot.example,7',
  'lee.wong@bluefin.example,Lee,Wong,Controller,Bluefin Kitchens,https://bluefin.example,30',
  'sam.okafor@saltandember.example,Sam,Okafor,VP Finance,Salt & Ember,https://saltandember.example,5',
  'ana.silva@marisco.example,Ana,Silva,CFO,Marisco Group,https://marisco.example,18',
].join('\n');

function setup(t: TestContext): { store: Store; dir: string } {
  const dir = tempDir(t);
  const store = openStore(join(dir, 'leadflow.db'));
  t.after(() => store.close());
  return { store, dir };
}

async function importProspects(store: Store, dir: string, campaign?: string) {
  const path = join(dir, 'prospects.csv');
  writeFileSync(path, PROSPECTS);
  return importCsvFile(store, path, { campaign });
}

test('a campaign for another offer writes its leads in that offer\'s words, signed by its sender, with custom columns and fallbacks filled', async (t) => {
  const { store, dir } = setup(t);
  const saved = await saveCampaign(store, parseCampaignText(campaignText(), CAMPAIGN_FILE), { state: 'active' });
  assert.equal(saved.created, true);
  const report = await importProspects(store, dir, 'payroll-restaurants');
  assert.equal(report.inserted, 5);
  enrichNewLeads(store);
  const tally = personalizeEnriched(store, { channels: ['email'] });
  assert.equal(tally.messaged, 5);

  for (const lead of listLeads(store).leads) {
    assert.equal(lead.campaignId, saved.campaign.id);
    const [mine] = messagesForLead(store, lead.id).filter((m) => m.variant === lead.variant);
    assert.equal(mine.campaignId, saved.campaign.id);
    assert.match(mine.body, /Tillpoint Payroll/);
    assert.match(mine.body, /\n\nBest,\nMaria Chen\nAccount Executive, Tillpoint\n\nIf this isn't for you, reply "unsubscribe"/);
    assert.doesNotMatch(mine.body, /workflow automation|Alex from Leadflow|\{|\}/);
  }
  const dana = getLeadByEmail(store, 'dana.ruiz@harborview.example')!;
  const danaA = messagesForLead(store, dana.id).find((m) => m.variant === 'A')!;
  assert.match(danaA.body, /^(Hi|Hello) Dana,\n\nRunning payroll for 12 sites usually means /);
  assert.match(danaA.subject!, /^(Payroll|Tips and payroll) across Harborview Hospitality's sites$/);
  const nameless = getLeadByEmail(store, 'ops@copperpot.example')!;
  for (const m of messagesForLead(store, nameless.id)) assert.match(m.body, /^(Hi|Hello) there,/, 'the campaign fallback for a missing first name');
  // Variant B is the model's; with no model its fallback template wrote it, from the same offer.
  const danaB = messagesForLead(store, dana.id).find((m) => m.variant === 'B')!;
  assert.match(danaB.body, /We built Tillpoint Payroll for restaurant groups/);
  assert.match(danaB.body, /finance directors/);

  const sent = await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants' }, sendingConfigFromEnv({}, { live: false }));
  assert.deepEqual([sent.simulated, sent.sent], [5, 0], 'a dry run simulates; nothing is sent');
  const campaigns = await listCampaigns(store);
  assert.deepEqual(campaigns.map((c) => [c.name, c.leads, c.byStatus.MESSAGED ?? 0, c.byStatus.SENT ?? 0]), [['demo', 0, 0, 0], ['payroll-restaurants', 5, 5, 0]]);
});

test('the linter refuses an unknown variable and an over-budget step when the campaign is saved, naming each, and saves nothing', async (t) => {
  const { store } = setup(t);
  const spec = parseCampaignText(campaignText(), CAMPAIGN_FILE) as CampaignSpecInput;
  const typo = structuredClone(spec);
  const [first] = typo.sequence[0].email!;
  if ('body' in first) first.body = 'Hi {{frist_name}},\n\nA question about payroll at {{ company }}. Open to a 15-minute call next week?';
  await assert.rejects(saveCampaign(store, typo), (err: unknown) => {
    assert.ok(err instanceof CampaignLintError);
    assert.match(err.message, /step 1 · email · variant A · body: unknown variable \{\{ frist_name \}\}: did you mean \{\{ firstName \}\}\?/);
    return true;
  });

  const long = structuredClone(spec);
  const [second] = long.sequence[1].email!;
  if ('body' in second) second.body = `Hi {{ firstName }},\n\n${'Our payroll product handles every site for you. '.repeat(16)}\n\nOpen to a call?`;
  await assert.rejects(saveCampaign(store, long), (err: unknown) => {
    assert.ok(err instanceof CampaignLintError);
    assert.match(err.message, /step 2 · email · variant A: \d+ words, budget 120/);
    return true;
  });

  const unbalanced = structuredClone(spec);
  const [third] = unbalanced.sequence[0].email!;
  if ('subject' in third) third.subject = '{Payroll|Tips across {{ company }}';
  await assert.rejects(saveCampaign(store, unbalanced), /step 1 · email · variant A · subject: unbalanced spintax: the "\{" at character 1 is never closed/);
  assert.deepEqual((await listCampaigns(store)).map((c) => c.name), ['demo']);
});

test('a campaign file with a wrong field is refused with every problem named by its path', () => {
  const text = campaignText().replace('name: Maria Chen', 'nmae: Maria Chen').replace('delayBusinessDays: 3', 'delayBusinessDays: three');
  assert.throws(() => parseCampaignText(text, 'payroll.yaml'), (err: unknown) => {
    assert.ok(err instanceof CampaignSpecError);
    assert.match(err.message, /^payroll\.yaml is not a valid campaign:/);
    assert.ok(err.problems.some((p) => /^sender\.name must be text/.test(p)), err.message);
    assert.ok(err.problems.some((p) => /^sender: unknown field "nmae"/.test(p)), err.message);
    assert.ok(err.problems.some((p) => /^sequence\[1\]\.delayBusinessDays: /.test(p)), err.message);
    return true;
  });
});

test('spintax picks the same words for a lead every time, and different leads get different words', () => {
  const t = compileTemplate('{Hi|Hello|Hey} {{ firstName }}, {quick|short} question');
  const once = renderTemplate(t, { firstName: 'Dana' }, 'dana@x.example|1|email|A');
  assert.equal(renderTemplate(t, { firstName: 'Dana' }, 'dana@x.example|1|email|A'), once);
  const seen = new Set(Array.from({ length: 60 }, (_, i) => renderTemplate(t, { firstName: 'Dana' }, `lead${i}@x.example|1|email|A`)));
  assert.equal(seen.size, 6, `every combination of 3 × 2 options appears across 60 leads: ${[...seen].join(' / ')}`);
  // A lead's own data is never spun, nor read as Liquid.
  assert.equal(renderTemplate(compileTemplate('{{ company }}'), { company: '{Acme|Evil} {{ x }}' }, 's'), '{Acme|Evil} {{ x }}');
});

test('a template cannot read files or reach into JavaScript objects', () => {
  assert.throws(() => compileTemplate('{% include "/etc/passwd" %}'), /include %\} is not available in campaign templates/);
  assert.equal(renderTemplate(compileTemplate('[{{ custom.constructor }}][{{ firstName.length }}]'), { custom: {}, firstName: 'Dana' }, ''), '[][4]');
});

test('a paused campaign\'s leads are neither written to nor sent; resumed, they are', async (t) => {
  const { store, dir } = setup(t);
  await saveCampaign(store, parseCampaignText(campaignText(), CAMPAIGN_FILE), { state: 'active' });
  await importProspects(store, dir, 'payroll-restaurants');
  enrichNewLeads(store);
  await setCampaignState(store, 'payroll-restaurants', 'paused');
  assert.equal(personalizeEnriched(store, { channels: ['email'] }).messaged, 0);
  assert.deepEqual(new Set(listLeads(store).leads.map((l) => l.status)), new Set(['ENRICHED']));
  await setCampaignState(store, 'payroll-restaurants', 'active');
  assert.equal(personalizeEnriched(store, { channels: ['email'] }).messaged, 5);
  await setCampaignState(store, 'payroll-restaurants', 'paused');
  const held = await sendReady(store, { channels: ['email'], leadIds: listLeads(store).leads.map((l) => l.id) }, sendingConfigFromEnv({}, { live: false }));
  assert.equal(held.sent, 0);
  assert.ok(held.unplanned.every((u) => /its campaign "payroll-restaurants" is paused: only an active campaign's leads are sent/.test(u.reason)), JSON.stringify(held.unplanned));
  await assert.rejects(setCampaignState(store, 'payroll-restaurants', 'draft'), /is paused; it can become active or finished, not draft/);
});

test('leads join a campaign from the demo: drafted ones are written afresh, one already sent to stays where it was', async (t) => {
  const { store, dir } = setup(t);
  await importProspects(store, dir);
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  const [sentTo, ...others] = listLeads(store).leads;
  await sendReady(store, { channels: ['email'], leadIds: [sentTo.id] }, sendingConfigFromEnv({}, { live: false }));
  await saveCampaign(store, parseCampaignText(campaignText(), CAMPAIGN_FILE), { state: 'active' });
  const r = await addLeadsToCampaign(store, 'payroll-restaurants', [...listLeads(store).leads.map((l) => l.id), 999]);
  assert.deepEqual(r.added, others.map((l) => l.id));
  assert.deepEqual(r.kept, [{ leadId: sentTo.id, campaign: 'demo' }]);
  assert.deepEqual(r.unknown, [999]);
  assert.ok(others.every((l) => messagesForLead(store, l.id).length === 0));
  assert.equal(personalizeEnriched(store, { channels: ['email'], campaign: 'payroll-restaurants' }).messaged, others.length);
  assert.ok(others.every((l) => messagesForLead(store, l.id).every((m) => /Tillpoint/.test(m.body))));
});

test('the model writes a campaign\'s AI variant from its offer and sender: the prompt names the offer, never the demo vendor', async (t) => {
  const { store, dir } = setup(t);
  const server = await startGroqServer({ chat: (body) => ({ status: 200, body: { choices: [{ message: { content: JSON.stringify(outreachCopy(body)) } }] } }) as never });
  t.after(() => server.close());
  await saveCampaign(store, parseCampaignText(campaignText(), CAMPAIGN_FILE), { state: 'active' });
  await importProspects(store, dir, 'payroll-restaurants');
  enrichNewLeads(store);
  const client = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, rpm: 10_000, tpm: 100_000_000 }, store);
  const tally = await personalizeEnrichedWithAi(store, client, { channels: ['email'] });
  assert.equal(tally.messaged, 5);
  const bLeads = listLeads(store).leads.filter((l) => l.variant === 'B');
  const [aLead] = listLeads(store).leads.filter((l) => l.variant === 'A');
  assert.match(messagesForLead(store, aLead.id)[0].source, /^campaign-template$/, 'variant A is the template: no model call');
  assert.equal(server.chatRequests().length, bLeads.length, 'only variant B (the AI variant) asks the model; A is a template');
  for (const request of server.chatRequests()) {
    const system = request.body.messages[0].content;
    assert.match(system, /for Tillpoint, on behalf of Maria Chen, Account Executive/);
    assert.match(system, /Tillpoint Payroll, for finance leads at restaurant groups/);
    assert.match(system, /"Runs payroll for 400 restaurant groups"/);
    assert.match(system, /tips are worked out per shift/);
    assert.doesNotMatch(system, /workflow automation/);
  }
  for (const lead of bLeads) {
    const [m] = messagesForLead(store, lead.id);
    assert.match(m.source, /^groq:/);
    assert.match(m.body, /Best,\nMaria Chen\nAccount Executive, Tillpoint/);
  }
});

test('a store from before campaigns keeps its leads and messages, in the built-in demo campaign', async (t) => {
  const path = join(tempDir(t), 'old.db');
  const raw = resolveDriver().open(path);
  for (const sql of MIGRATIONS.slice(0, 8)) raw.exec(sql);
  raw.exec('PRAGMA user_version = 8');
  const now = new Date().toISOString();
  raw.prepare(`INSERT INTO leads (email, first_name, last_name, title, company, company_domain, website, industry, country, timezone, source, variant, status, created_at, updated_at)
    VALUES ('kept@engines.example', 'Ada', 'L', 'CTO', 'Engines', 'engines.example', 'https://engines.example', 'Technology', 'UK', 'Europe/London', 'test', 'A', 'MESSAGED', ?, ?)`).run(now, now);
  raw.prepare("INSERT INTO messages (lead_id, channel, variant, subject, body, word_count, source, created_at) VALUES (1, 'email', 'A', 's', 'b', 1, 't', ?)").run(now);
  raw.close();
  const store = openStore(path);
  t.after(() => store.close());
  const demo = await getCampaign(store, 'demo');
  assert.deepEqual([demo.id, demo.state, demo.builtin], [1, 'active', true]);
  assert.equal(getLeadByEmail(store, 'kept@engines.example')!.campaignId, 1);
  assert.equal(messagesForLead(store, 1)[0].campaignId, 1);
});

test('a campaign preview renders each step and variant for its leads (or a sample lead) before anything is queued; metrics are per campaign', async (t) => {
  const { store, dir } = setup(t);
  await saveCampaign(store, parseCampaignText(campaignText(), CAMPAIGN_FILE), { state: 'draft' });
  const empty = await previewCampaign(store, 'payroll-restaurants');
  assert.equal(empty.leadsShown, 0);
  assert.deepEqual(empty.samples.map((s) => [s.step, s.channel, s.variant, s.writtenBy]), [[1, 'email', 'A', 'template'], [1, 'email', 'B', 'fallback'], [2, 'email', 'A', 'template']]);
  assert.match(empty.samples[0].body, /Hi|Hello/);
  assert.match(empty.samples[2].subject!, /^Re: (Payroll|Tips and payroll) across Harborview Hospitality Group's sites$/, 'a later step without a subject threads the first');
  assert.ok(empty.samples.every((s) => s.problems.length === 0), JSON.stringify(empty.samples.map((s) => s.problems)));
  assert.ok(empty.warnings.some((w) => /no lead in the store has a "Number of Sites" column yet/.test(w.message)));

  await importProspects(store, dir, 'payroll-restaurants');
  enrichNewLeads(store);
  const withLeads = await previewCampaign(store, 'payroll-restaurants', { leads: 2 });
  assert.equal(withLeads.leadsShown, 2);
  assert.equal(withLeads.samples.length, 6);
  assert.match(withLeads.samples[0].body, /Running payroll for 12 sites/);
  assert.equal(listLeads(store, { status: 'ENRICHED' }).total, 5, 'a preview writes nothing');
  assert.equal(store.stmt('SELECT count(*) AS n FROM messages').get()?.n, 0);

  await setCampaignState(store, 'payroll-restaurants', 'active');
  personalizeEnriched(store, { channels: ['email'] });
  await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }));
  const mine = await getMetrics(store, { campaign: 'payroll-restaurants' });
  assert.deepEqual(mine.campaign && [mine.campaign.name, mine.campaign.product], ['payroll-restaurants', 'Tillpoint Payroll']);
  assert.deepEqual(mine.funnel.map((f) => f.leads), [5, 5, 5, 0, 0], 'nothing sent: a dry run');
  assert.deepEqual(mine.simulated, { leads: 5, sends: 5 });
  assert.equal(mine.abTest.variants.reduce((n, v) => n + v.sent, 0), 5);
  const demo = await getMetrics(store, { campaign: 'demo' });
  assert.deepEqual(demo.funnel.map((f) => f.leads), [0, 0, 0, 0, 0]);
  await assert.rejects(getMetrics(store, { campaign: 'nope' }), /no campaign "nope" in the store; campaigns: demo, payroll-restaurants/);
});

test('live: what the SMTP server receives from a campaign is from its sender, signed by it, in its offer\'s words', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const { store } = setup(t);
  await saveCampaign(store, parseCampaignText(campaignText(), CAMPAIGN_FILE), { state: 'active' });
  const rows = ['dana', 'lee'].map((name) => ({ email: `${name}@${LIVE_TEST_DOMAIN}`, first_name: name, company: 'Harborview Hospitality', title: 'Finance Director', website: `https://${LIVE_TEST_DOMAIN}`, 'Number of Sites': '9' }));
  assert.equal((await importRows(store, rows, { source: 'test', campaign: 'payroll-restaurants' })).inserted, 2);
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  const env = {
    SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_FROM_EMAIL: 'maria@tillpoint.test', SMTP_FROM_NAME: 'Outreach Desk',
    LEADFLOW_SECRET: 'a-secret-of-at-least-16', LEADFLOW_UNSUBSCRIBE_URL: 'https://tillpoint.test/unsubscribe', SENDER_POSTAL_ADDRESS: '1 Dock St, Leith',
  };
  const r = await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants' }, sendingConfigFromEnv(env, { live: true }));
  assert.equal(r.sent, 2);
  assert.equal(smtp.received.length, 2);
  for (const mail of smtp.received) {
    const raw = mail.raw.toString('utf8');
    assert.match(raw, /^From: Maria Chen <maria@tillpoint\.test>\r$/m);
    assert.match(raw, /Tillpoint Payroll/);
    assert.match(raw, /Best,\r\nMaria Chen\r\nAccount Executive, Tillpoint/);
    assert.doesNotMatch(raw, /Outreach Desk|Alex from Leadflow|workflow automation/);
  }
});

test('a campaign\'s later step follows its own delay and template, threaded under the first subject', async (t) => {
  const { store, dir } = setup(t);
  await saveCampaign(store, parseCampaignText(campaignText(), CAMPAIGN_FILE), { state: 'active' });
  await importProspects(store, dir, 'payroll-restaurants');
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  const sentAt = new Date('2026-12-03T10:00:00.000Z'); // a Thursday
  await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }), { now: () => sentAt });
  // The demo's own sequence would wait 3 then 5 business days with its built-in copy; this campaign has one more step.
  const report = await scheduleFollowUps(store, { delaysBusinessDays: [1], dryRun: true, now: sentAt });
  assert.deepEqual(report.rejected, []);
  assert.equal(report.scheduled.length, 5);
  assert.ok(report.scheduled.every((s) => s.step === 2 && s.dueAt === '2026-12-08T10:00:00.000Z'), JSON.stringify(report.scheduled));
  for (const lead of listLeads(store).leads) {
    const [opener, followUp] = messagesForLead(store, lead.id).filter((m) => m.variant === lead.variant);
    assert.equal(followUp.step, 2);
    assert.equal(followUp.subject, `Re: ${opener.subject}`);
    assert.match(followUp.body, /Following up on my note: Tillpoint Payroll runs payroll for 400 restaurant groups\./);
    assert.equal(followUp.campaignId, lead.campaignId);
  }
  const again = await scheduleFollowUps(store, { delaysBusinessDays: [1], dryRun: true, now: sentAt });
  assert.equal(again.scheduled.length, 0, 'a step is queued once');
  // The exact MIME of a lead's step 2, before it goes: from the campaign's sender, in the thread.
  const [first] = listLeads(store).leads;
  const preview = await previewEmail(store, first.id, { step: 2 });
  const mime = preview.mime.toString('utf8');
  assert.equal(preview.basis, 'draft');
  assert.match(mime, /^From: Maria Chen <outreach@leadflow\.example>\r$/m);
  assert.match(mime, /^Subject: Re: /m);
  assert.match(mime, /^In-Reply-To: <[^>]+>\r$/m);
});

test('AI mode writes a campaign\'s model follow-up with the campaign\'s prompt; when the model fails, its fallback template goes', async (t) => {
  let failNext = false;
  const server = await startGroqServer({
    chat: (body) =>
      body.response_format?.json_schema?.name === 'follow_up'
        ? answer(failNext ? { body: 'too short' } : { body: `Hi ${String((dataOf(body).recipient as { firstName: string }).firstName)},\n\nA quick follow-up on my note about payroll across your sites.\n\nOpen to a 15-minute call next week?` })
        : answer(outreachCopy(body)),
  });
  t.after(() => server.close());
  const { store, dir } = setup(t);
  const spec = parseCampaignText(campaignText(), CAMPAIGN_FILE) as CampaignSpecInput;
  spec.sequence[1].email = [{ ai: true, brief: 'Say that tips are worked out per shift.', fallback: { body: 'Hi {{ firstName }},\n\nTillpoint Payroll works out tips per shift.\n\nWorth a short call?' } }];
  await saveCampaign(store, spec, { state: 'active' });
  await importProspects(store, dir, 'payroll-restaurants');
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  const sentAt = new Date('2026-12-03T10:00:00.000Z');
  await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }), { now: () => sentAt });
  const ai = createGroqClient({ apiKey: 'k', baseURL: server.baseURL, rpm: 10_000, tpm: 100_000_000 }, store);
  const [one, two] = listLeads(store).leads;

  store.exec(`UPDATE sends SET state = 'QUEUED' WHERE lead_id NOT IN (${one.id}, ${two.id})`); // only two leads are due
  const first = await scheduleFollowUps(store, { delaysBusinessDays: [], dryRun: true, now: sentAt, ai });
  assert.equal(first.scheduled.length, 2);
  const system = server.chatRequests().at(-1)!.body.messages[0].content;
  assert.match(system, /for Tillpoint, on behalf of Maria Chen/);
  assert.match(system, /tips are worked out per shift/);
  assert.doesNotMatch(system, /workflow automation/);
  const [, byModel] = messagesForLead(store, one.id).filter((m) => m.variant === one.variant);
  assert.match(byModel.source, /^groq:/);
  assert.match(byModel.body, /A quick follow-up on my note about payroll across your sites\.[\s\S]*Best,\nMaria Chen/);

  // The model's answer breaks the contract twice for the next lead: the fallback template writes it, and says why.
  failNext = true;
  store.exec(`UPDATE sends SET state = 'SENT' WHERE lead_id NOT IN (${one.id}, ${two.id}) AND step = 1`);
  const second = await scheduleFollowUps(store, { delaysBusinessDays: [], dryRun: true, now: sentAt, ai });
  assert.equal(second.scheduled.length, 3);
  assert.equal(second.fallbacks.length, 3);
  const third = listLeads(store).leads[2];
  const [, fallback] = messagesForLead(store, third.id).filter((m) => m.variant === third.variant);
  assert.equal(fallback.source, 'campaign-template');
  assert.match(fallback.body, /Tillpoint Payroll works out tips per shift\./);
});

test('fixes from the adapters\' reports: a custom column\'s fallback fills an empty cell, follow-ups for one campaign schedule only its leads, a live send says whom it left out', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const { store, dir } = setup(t);
  const spec = parseCampaignText(campaignText(), CAMPAIGN_FILE) as CampaignSpecInput;
  spec.fallbacks = { ...spec.fallbacks, 'custom.Number of Sites': 'your' };
  const [a] = spec.sequence[0].email!;
  if ('body' in a) a.body = a.body.replace('{{ custom["Number of Sites"] | default: "several" }}', '{{ custom["Number of Sites"] }}');
  await saveCampaign(store, spec, { state: 'active' });
  writeFileSync(join(dir, 'p.csv'), 'Email,First Name,Company,Website,Number of Sites\nana@a.example,Ana,A Co,https://a.example,\nbo@b.example,Bo,B Co,https://b.example,4\n');
  await importCsvFile(store, join(dir, 'p.csv'), { campaign: 'payroll-restaurants' });
  await importProspects(store, dir); // five more, in the demo
  enrichNewLeads(store);
  personalizeEnriched(store, { channels: ['email'] });
  const ana = getLeadByEmail(store, 'ana@a.example')!;
  const anaA = messagesForLead(store, ana.id).find((m) => m.variant === 'A')!;
  assert.match(anaA.body, /Running payroll for your sites/);
  assert.match(messagesForLead(store, getLeadByEmail(store, 'bo@b.example')!.id).find((m) => m.variant === 'A')!.body, /Running payroll for 4 sites/);

  const sentAt = new Date('2026-12-03T10:00:00.000Z');
  await sendReady(store, { channels: ['email'] }, sendingConfigFromEnv({}, { live: false }), { now: () => sentAt });
  const campaignId = (await getCampaign(store, 'payroll-restaurants')).id;
  const report = await scheduleFollowUps(store, { delaysBusinessDays: [3], dryRun: true, now: sentAt, campaignId });
  assert.deepEqual(report.scheduled.map((s) => s.leadId).sort(), listLeads(store, { campaignId }).leads.map((l) => l.id).sort());

  // Live: every one of these leads is on a reserved domain; the result says so instead of a bare "0 sent".
  const env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_FROM_EMAIL: 'maria@tillpoint.test', LEADFLOW_SECRET: 'a-secret-of-at-least-16', LEADFLOW_UNSUBSCRIBE_URL: 'https://tillpoint.test/u', SENDER_POSTAL_ADDRESS: '1 Dock St' };
  const live = await sendReady(store, { channels: ['email'], campaign: 'payroll-restaurants' }, sendingConfigFromEnv(env, { live: true }));
  assert.deepEqual([live.sent, live.excluded.synthetic, smtp.received.length], [0, 2, 0]);
});
