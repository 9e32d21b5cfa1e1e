/**
 * Campaigns through `leadflow`, as a user runs it: a campaign file saved (or refused, every problem named, exit 2),
 * listed, shown and previewed; prospects imported into it with a custom column; written and dry-run sent for it;
 * its own funnel; paused, so a live send to a real SMTP server sends nothing, and resumed, so it does. Real SQLite
 * files, the real CLI in a child process.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { leadflow, leadflowAwait } from './support/cli';
import { startSmtp } from './support/smtpServer';
import { LIVE_TEST_DOMAIN, liveEnv } from './support/liveLeads';
import { tempDir } from './support/tmp';

const FIXTURE = join(__dirname, 'fixtures/campaigns/payroll-restaurants.yaml');
const NAME = 'payroll-restaurants';

// Prospects as a CRM exports them: one with no first name, and a column no lead field reads ("Number of Sites").
const PROSPECTS = [
  'Email,First Name,Last Name,Job Title,Company,Website,Number of Sites',
  `dana.ruiz@${LIVE_TEST_DOMAIN},Dana,Ruiz,Finance Director,Harborview Hospitality,https://${LIVE_TEST_DOMAIN},12`,
  `ops@${LIVE_TEST_DOMAIN},,,Head of Finance,Copper Pot Group,https://${LIVE_TEST_DOMAIN},7`,
  `lee.wong@${LIVE_TEST_DOMAIN},Lee,Wong,Controller,Bluefin Kitchens,https://${LIVE_TEST_DOMAIN},30`,
  `sam.okafor@${LIVE_TEST_DOMAIN},Sam,Okafor,VP Finance,Salt & Ember,https://${LIVE_TEST_DOMAIN},5`,
  `ana.silva@${LIVE_TEST_DOMAIN},Ana,Silva,CFO,Marisco Group,https://${LIVE_TEST_DOMAIN},18`,
].join('\n');

function workspace(t: TestContext) {
  const dir = tempDir(t);
  const db = join(dir, 'leadflow.db');
  const cli = (...args: string[]) => leadflow(['--db', db, ...args]);
  return { dir, db, cli };
}

/** The fixture with `edit` applied, written next to the store. */
function campaignFile(dir: string, name: string, edit: (text: string) => string = (x) => x): string {
  const path = join(dir, name);
  writeFileSync(path, edit(readFileSync(FIXTURE, 'utf8')));
  return path;
}

function listed(cli: (...args: string[]) => ReturnType<typeof leadflow>): { name: string; state: string; leads: number; byStatus: Record<string, number> }[] {
  const r = cli('campaign', 'list', '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('`campaign create --file` saves the campaign as a draft; `list` and `show` report it, and `show` prints YAML that `update` takes back', (t) => {
  const { dir, cli } = workspace(t);
  const created = cli('campaign', 'create', '--file', FIXTURE);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^created campaign "payroll-restaurants" \(#2, draft\): Tillpoint Payroll from Maria Chen, 2 step\(s\), 0 lead\(s\)/);
  // No lead has the template's custom column yet: said, and the save goes on.
  assert.match(created.stderr, /^warning: step 1 · email · variant A · body: no lead in the store has a "Number of Sites" column yet/m);

  const list = cli('campaign', 'list');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^NAME\s+STATE\s+PRODUCT\s+SENDER\s+STEPS\s+LEADS$/m);
  assert.match(list.stdout, /^demo\s+active\s+Leadflow workflow automation\s+Alex from Leadflow\s+3\s+0$/m);
  assert.match(list.stdout, /^payroll-restaurants\s+draft\s+Tillpoint Payroll\s+Maria Chen\s+2\s+0$/m);

  const show = cli('campaign', 'show', NAME);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^# campaign #2, draft; leads: 0$/m);
  const shown = parseYaml(show.stdout) as { name: string; sender: { name: string }; sequence: { email: { subject?: string }[] }[] };
  assert.equal(shown.name, NAME);
  assert.equal(shown.sender.name, 'Maria Chen');
  assert.equal(shown.sequence[0].email[0].subject, "{Payroll|Tips and payroll} across {{ company }}'s sites");

  // The shown YAML, edited, is a campaign file: update replaces the spec and keeps the state.
  const edited = join(dir, 'edited.yaml');
  writeFileSync(edited, show.stdout.replace('Q1 push', 'Q2 push'));
  const updated = cli('campaign', 'update', '--file', edited, '--json');
  assert.equal(updated.code, 0, updated.stderr);
  assert.equal(JSON.parse(updated.stdout).created, false);
  const json = JSON.parse(cli('campaign', 'show', NAME, '--json').stdout);
  assert.equal(json.spec.description, 'Payroll for multi-site restaurant groups, Q2 push.');
  assert.equal(json.state, 'draft');

  const again = cli('campaign', 'create', '--file', FIXTURE);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /campaign "payroll-restaurants" already exists: change it with `leadflow campaign update --file /);
});

test('a campaign file with {{frist_name}} is refused naming it and its place, exits 2, and saves nothing (nor creates a store)', (t) => {
  const { dir, db, cli } = workspace(t);
  const typo = campaignFile(dir, 'typo.yaml', (x) => x.replace('{Hi|Hello} {{ firstName }}', '{Hi|Hello} {{frist_name}}').replace('in one pass', 'in one pass, free'));
  const r = cli('campaign', 'create', '--file', typo);
  assert.equal(r.code, 2);
  // The warnings found with the errors come too, each once (the spam word is in both spins of the body).
  assert.equal(r.stderr.match(/^warning: step 1 · email · variant A · body: "free" reads as spam/gm)?.length, 1, r.stderr);
  assert.match(r.stderr, /campaign "payroll-restaurants" was not saved; fix its templates:\n {2}- step 1 · email · variant A · body: unknown variable \{\{ frist_name \}\}: did you mean \{\{ firstName \}\}\?/);
  assert.equal(existsSync(db), false, 'a refused campaign leaves no store behind');

  // In a store that exists: still nothing saved.
  assert.equal(cli('campaign', 'create', '--file', campaignFile(dir, 'other.yaml', (x) => x.replace(`name: ${NAME}`, 'name: other'))).code, 0);
  assert.equal(cli('campaign', 'create', '--file', typo).code, 2);
  assert.deepEqual(listed(cli).map((c) => c.name), ['demo', 'other']);
});

test('a campaign file with wrong fields is refused with every field path named, exit 2 — JSON files too', (t) => {
  const { dir, cli } = workspace(t);
  const spec = parseYaml(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown> & { sender: Record<string, unknown>; sequence: Record<string, unknown>[] };
  spec.sender.nmae = spec.sender.name;
  delete spec.sender.name;
  spec.sequence[1].delayBusinessDays = 'three';
  const path = join(dir, 'campaign.json');
  writeFileSync(path, JSON.stringify(spec, null, 2));
  const r = cli('campaign', 'create', '--file', path);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /campaign\.json is not a valid campaign:/);
  assert.match(r.stderr, /^ {2}- sender\.name must be text$/m);
  assert.match(r.stderr, /^ {2}- sender: unknown field "nmae"$/m);
  assert.match(r.stderr, /^ {2}- sequence\[1\]\.delayBusinessDays: /m);

  const missing = cli('campaign', 'create', '--file', join(dir, 'nope.yaml'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nope\.yaml: ENOENT/);
});

test('a campaign end to end: import with a custom column, preview, write, activate, dry run, its own funnel; paused, a live send sends nothing; resumed, it does', async (t) => {
  const { dir, db, cli } = workspace(t);
  // Demo leads in the same store: the campaign's funnel must not count them.
  assert.equal(cli('run', '--leads', '12', '--channels', 'email').code, 0);
  assert.equal(cli('campaign', 'create', '--file', FIXTURE).code, 0);
  // Another campaign, active from the start, with real prospects of its own: none of what follows may touch them.
  const other = cli('campaign', 'create', '--file', campaignFile(dir, 'other.yaml', (x) => x.replace(`name: ${NAME}`, 'name: other')), '--activate');
  assert.match(other.stdout, /^created campaign "other" \(#3, active\)/);
  const otherCsv = join(dir, 'other.csv');
  writeFileSync(otherCsv, ['email,first_name,company,title,website', ...['kim', 'joe'].map((n) => `${n}.other@${LIVE_TEST_DOMAIN},${n},Other Co,CFO,https://${LIVE_TEST_DOMAIN}`)].join('\n'));
  assert.equal(cli('import', otherCsv, '--campaign', 'other').code, 0);

  const csv = join(dir, 'prospects.csv');
  writeFileSync(csv, PROSPECTS);
  const imported = cli('import', csv, '--campaign', NAME);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^5 of 5 row\(s\) imported into .*, campaign "payroll-restaurants"$/m);
  assert.match(imported.stdout, /kept as attributes: "Number of Sites"/);
  const wrong = cli('import', csv, '--campaign', 'payroll');
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /no campaign "payroll" in the store; campaigns: demo, payroll-restaurants/);
  assert.deepEqual(listed(cli).find((c) => c.name === NAME)?.byStatus, { NEW: 5 });

  // Before its leads are enriched, the preview renders the sample lead.
  const early = cli('campaign', 'preview', NAME);
  assert.equal(early.code, 0, early.stderr);
  assert.match(early.stdout, /for a sample lead \(none of its leads is enriched yet\)/);
  assert.match(early.stdout, /── step 1 · email · variant A · template — alexandrina@sample\.example \(sample lead\)/);

  // A draft's leads are written (so the preview shows them) but not sent.
  const drafted = cli('run', '--campaign', NAME, '--channels', 'email', '--json');
  assert.equal(drafted.code, 0, drafted.stderr);
  assert.match(drafted.stderr, /campaign "payroll-restaurants" is a draft: its leads are not sent until `leadflow campaign activate payroll-restaurants`/);
  const draftRun = JSON.parse(drafted.stdout);
  assert.equal(draftRun.campaign.name, NAME);
  assert.deepEqual(draftRun.leads.byStatus.MESSAGED, 5);
  assert.equal(draftRun.send.sent, 0);
  assert.equal(cli('run', '--campaign', NAME, '--leads', '5').code, 2, 'a campaign run generates no synthetic leads');
  assert.deepEqual(listed(cli).find((c) => c.name === 'other')?.byStatus, { ENRICHED: 2 }, "another campaign's leads are not written by this one's run");

  const preview = cli('campaign', 'preview', NAME, '--leads', '1');
  assert.equal(preview.code, 0, preview.stderr);
  assert.match(preview.stdout, /^Preview of "payroll-restaurants" \(draft\): Tillpoint Payroll from Maria Chen, 2 step\(s\), for 1 of its enriched leads$/m);
  assert.match(preview.stdout, /── step 1 · email · variant A · template — dana\.ruiz@inbox\.leadflow-test\.net \(lead #15\)\nSubject: (Payroll|Tips and payroll) across Harborview Hospitality's sites\n\n(Hi|Hello) Dana,\n\nRunning payroll for 12 sites usually means /);
  assert.match(preview.stdout, /── step 1 · email · variant B · fallback — dana\.ruiz@/);
  assert.match(preview.stdout, /── step 2 · email · variant A · template — dana\.ruiz@.*\nSubject: Re: /);
  assert.match(preview.stdout, /Best,\nMaria Chen\nAccount Executive, Tillpoint/);
  const previewJson = JSON.parse(cli('campaign', 'preview', NAME, '--leads', '3', '--json').stdout);
  assert.equal(previewJson.leadsShown, 3);
  assert.deepEqual(previewJson.samples.slice(0, 3).map((s: { step: number; variant: string; writtenBy: string }) => `${s.step}${s.variant} ${s.writtenBy}`), ['1A template', '1B fallback', '2A template']);
  const nameless = previewJson.samples.find((s: { email: string }) => s.email.startsWith('ops@'));
  assert.match(nameless.body, /^(Hi|Hello) there,/, "the campaign's fallback for a missing first name");

  const activated = cli('campaign', 'activate', NAME);
  assert.equal(activated.code, 0, activated.stderr);
  assert.equal(activated.stdout, 'campaign "payroll-restaurants": draft → active\n');
  const dry = cli('send', '--campaign', NAME, '--dry-run', '--json');
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual([JSON.parse(dry.stdout).simulated, JSON.parse(dry.stdout).sent], [5, 0]);

  const metrics = cli('metrics', '--campaign', NAME);
  assert.equal(metrics.code, 0, metrics.stderr);
  assert.match(metrics.stdout, /^Funnel — 5 lead\(s\) of campaign "payroll-restaurants" \(active, Tillpoint Payroll\) in /m);
  assert.match(metrics.stdout, /^ {2}sent\s+0 /m);
  assert.match(metrics.stdout, /^ {2}\(dry run: 5 lead\(s\) simulated — recorded, nothing was sent\)$/m);
  assert.match(metrics.stdout, /^Sends: 0 live; 5 dry-run record\(s\), nothing sent$/m);
  const whole = JSON.parse(cli('metrics', '--json').stdout);
  assert.equal(whole.leads.total, 19, "the whole store: 12 demo leads, the campaign's 5 and the other's 2");
  assert.equal(whole.campaign, null);

  // The other campaign's leads are written and dry-run sent by its own run: a live send without --campaign would take them.
  const otherRun = JSON.parse(cli('run', '--campaign', 'other', '--channels', 'email', '--json').stdout);
  assert.deepEqual([otherRun.send.simulated, otherRun.send.sent], [2, 0]);
  assert.equal(otherRun.leads.total, 2);

  // Paused: the live send (to a real SMTP server) sends nothing; resumed, it sends the campaign's five, as Maria Chen.
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  assert.equal(cli('campaign', 'pause', NAME).stdout, 'campaign "payroll-restaurants": active → paused\n');
  const held = await leadflowAwait(['--db', db, 'send', '--campaign', NAME, '--live', '--json'], liveEnv(smtp.port));
  assert.equal(held.code, 0, held.stderr);
  assert.equal(JSON.parse(held.stdout).sent, 0);
  assert.match(held.stderr, /campaign "payroll-restaurants" is paused: its leads are held until `leadflow campaign resume payroll-restaurants`/);
  assert.equal(smtp.received.length, 0);

  assert.equal(cli('campaign', 'resume', NAME).code, 0);
  const live = await leadflowAwait(['--db', db, 'send', '--campaign', NAME, '--live', '--json'], liveEnv(smtp.port));
  assert.equal(live.code, 0, live.stderr);
  assert.equal(JSON.parse(live.stdout).sent, 5);
  assert.equal(smtp.received.length, 5);
  for (const mail of smtp.received) {
    const raw = mail.raw.toString('utf8');
    assert.match(raw, /^From: Maria Chen <alex@sender\.leadflow-test\.net>\r$/m);
    assert.match(raw, /Tillpoint Payroll/);
    assert.match(raw, /Best,\r\nMaria Chen\r\nAccount Executive, Tillpoint/);
    assert.doesNotMatch(raw, /workflow automation|Alex from Leadflow/);
  }
  assert.deepEqual(
    smtp.received.flatMap((m) => m.to).sort(),
    ['ana.silva', 'dana.ruiz', 'lee.wong', 'ops', 'sam.okafor'].map((n) => `${n}@${LIVE_TEST_DOMAIN}`),
    "only this campaign's leads: neither the demo's nor the other campaign's",
  );
  // `--sequence` alone schedules the campaign's own step 2 (three business days on, from its file) for each lead.
  const followUps = await leadflowAwait(['--db', db, 'send', '--campaign', NAME, '--live', '--sequence', '--json'], liveEnv(smtp.port));
  assert.equal(followUps.code, 0, followUps.stderr);
  assert.equal(JSON.parse(followUps.stdout).followUps, 5);
  assert.equal(smtp.received.length, 5, 'a follow-up waits until it is due');
});

test('`campaign add-leads` moves leads in from the demo; a state the campaign cannot move to is refused', (t) => {
  const { dir, cli } = workspace(t);
  const csv = join(dir, 'prospects.csv');
  writeFileSync(csv, PROSPECTS);
  assert.equal(cli('import', csv).code, 0, 'imported into the demo, before the campaign exists');
  assert.equal(cli('campaign', 'create', '--file', FIXTURE).code, 0);
  const added = cli('campaign', 'add-leads', NAME, '--from', 'demo');
  assert.equal(added.code, 0, added.stderr);
  assert.equal(added.stdout, '5 lead(s) added to campaign "payroll-restaurants"\n');
  assert.deepEqual(listed(cli).map((c) => [c.name, c.leads]), [['demo', 0], [NAME, 5]]);
  const unknown = cli('campaign', 'add-leads', NAME, '--ids', '1,99');
  assert.equal(unknown.code, 0);
  assert.match(unknown.stdout, /0 lead\(s\) added to campaign "payroll-restaurants", 1 already in it\nnot in the store: 99/);
  assert.equal(cli('campaign', 'add-leads', NAME, '--ids', '99').code, 2, 'every id named is unknown');
  const none = cli('campaign', 'add-leads', NAME);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /say which leads: --ids 1,2,3, or --status NEW and\/or --from demo/);

  const resumeDraft = cli('campaign', 'resume', NAME);
  assert.equal(resumeDraft.code, 1);
  assert.match(resumeDraft.stderr, /campaign "payroll-restaurants" is draft, not paused: start it with `leadflow campaign activate payroll-restaurants`/);
  assert.equal(cli('campaign', 'finish', NAME).code, 0);
  const reopen = cli('campaign', 'activate', NAME);
  assert.equal(reopen.code, 1);
  assert.match(reopen.stderr, /campaign "payroll-restaurants" is finished; it can become nothing else, not active/);
  const show = cli('campaign', 'show', 'payrol');
  assert.equal(show.code, 2);
  assert.match(show.stderr, /no campaign "payrol" in the store; campaigns: demo, payroll-restaurants/);
});

test('`campaign preview --days N` simulates the sending day by day with the limits in force, and sends and changes nothing', (t) => {
  const { dir, db, cli } = workspace(t);
  assert.equal(cli('campaign', 'create', '--file', FIXTURE).code, 0);
  writeFileSync(join(dir, 'prospects.csv'), PROSPECTS);
  assert.equal(cli('import', join(dir, 'prospects.csv'), '--campaign', NAME).code, 0);
  assert.equal(cli('run', '--campaign', NAME).code, 0, 'enrich and write (a dry run sends nothing live)');
  const ledger = () => leadflow(['--db', db, 'sends', 'list', '--state', 'sent', '--json']).stdout;
  const before = ledger();
  const r = leadflow(['--db', db, 'campaign', 'preview', NAME, '--days', '3', '--json'], { DAILY_SEND_CAP: '2' });
  assert.equal(r.code, 0, r.stderr);
  const schedule = JSON.parse(r.stdout) as { days: { sends: { email: string; step: number; from: string }[]; heldBy: Record<string, number> }[] };
  const sends = schedule.days.flatMap((d) => d.sends);
  assert.ok(schedule.days.every((d) => d.sends.length <= 2), 'the daily cap in force holds in the simulation');
  assert.ok(sends.length >= 5, `the five prospects' first emails within three days at two a day: ${sends.length}`);
  assert.deepEqual(new Set(sends.filter((s) => s.step === 1).map((s) => s.email)).size, 5);
  assert.ok(schedule.days.some((d) => Object.keys(d.heldBy).some((why) => /daily cap of 2/.test(why))));
  assert.equal(ledger(), before, 'the store is as it was');
  const text = leadflow(['--db', db, 'campaign', 'preview', NAME, '--days', '1'], { DAILY_SEND_CAP: '2' });
  assert.match(text.stdout, /nothing was sent/);
  assert.match(text.stdout, /step 1 {2}\S+@/);
});

test('several mailboxes from the CLI: a campaign\'s mailboxes from LEADFLOW_MAILBOXES, each within its cap, the preview naming each email\'s mailbox', async (t) => {
  const { dir, db, cli } = workspace(t);
  const withMailboxes = campaignFile(dir, 'mailboxes.yaml', (x) =>
    x.replace('optOutLine:', 'mailboxes:\n  - { address: anna@tillpoint-mail.test, dailyCap: 2 }\n  - { address: ben@tillpoint-mail.test, name: Ben Ortiz, dailyCap: 1 }\noptOutLine:'),
  );
  assert.equal(cli('campaign', 'create', '--file', withMailboxes, '--activate').code, 0);
  writeFileSync(join(dir, 'prospects.csv'), PROSPECTS);
  assert.equal(cli('import', join(dir, 'prospects.csv'), '--campaign', NAME).code, 0);
  assert.equal(cli('run', '--campaign', NAME, '--channels', 'email').code, 0);
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const accounts = join(dir, 'accounts.yaml');
  writeFileSync(accounts, ['anna', 'ben'].map((n) => `- fromEmail: ${n}@tillpoint-mail.test\n  host: 127.0.0.1\n  port: ${smtp.port}\n`).join(''));
  const env = liveEnv(smtp.port, { LEADFLOW_MAILBOXES: accounts });

  const plan = JSON.parse(leadflow(['--db', db, 'campaign', 'preview', NAME, '--days', '1', '--json'], env).stdout) as { days: { sends: { from: string }[] }[] };
  // Today (the simulated day runs into tomorrow, when the caps start afresh): two from anna, one from ben.
  const planned = plan.days[0].sends.map((s) => s.from).sort();
  assert.deepEqual(planned, ['anna@tillpoint-mail.test', 'anna@tillpoint-mail.test', 'ben@tillpoint-mail.test']);
  assert.equal(plan.days[1]?.sends.length ?? 0, 2, 'tomorrow the other two, within the fresh caps');

  const live = await leadflowAwait(['--db', db, 'send', '--campaign', NAME, '--live', '--json'], env);
  assert.equal(live.code, 0, live.stderr);
  assert.equal(JSON.parse(live.stdout).sent, 3);
  assert.deepEqual(smtp.received.map((m) => m.from).sort(), planned, 'what left is what the preview said');
  assert.ok(smtp.received.some((m) => /^From: Ben Ortiz <ben@tillpoint-mail\.test>\r$/m.test(m.raw.toString('utf8'))));
  const again = await leadflowAwait(['--db', db, 'send', '--campaign', NAME, '--live', '--json'], env);
  const held = JSON.parse(again.stdout) as { sent: number; limitedBy: string; stillQueued: number };
  assert.equal(held.sent, 0);
  assert.equal(held.stillQueued, 2);
  assert.match(held.limitedBy, /daily cap of 2 for anna@tillpoint-mail\.test/);
  assert.match(held.limitedBy, /daily cap of 1 for ben@tillpoint-mail\.test/);
  assert.equal(smtp.received.length, 3);

  // A file that names a password others can read is refused before anything is sent (a settings error: exit 1).
  writeFileSync(accounts, `- fromEmail: anna@tillpoint-mail.test\n  host: 127.0.0.1\n  port: ${smtp.port}\n  password: hunter2\n`, { mode: 0o644 });
  const refused = await leadflowAwait(['--db', db, 'send', '--campaign', NAME, '--live'], env);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /holds passwords and others can read it/);
  assert.doesNotMatch(refused.stderr, /hunter2/);
});
