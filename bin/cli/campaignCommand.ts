/**
 * `leadflow campaign …`: whose outreach this is — create or update a campaign from a file (YAML or JSON), list and
 * show campaigns, preview what their templates write, move their state, and put leads in one. Every problem with a
 * file is named at once (each field path, each template finding) and nothing is saved; lint warnings are printed
 * and the save goes on. Input errors exit 2 through the CLI's one error handler.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { LeadflowError } from '../../lib/errors';
import { leadPagesOf } from '../../lib/store/leads';
import { closeDb, type AnyStore } from '../../lib/store/openDb';
import { parseCampaignText, type CampaignState } from '../../lib/campaigns/spec';
import {
  addLeadsToCampaign, CampaignLintError, campaignSummary, getCampaign, listCampaigns, saveCampaign, setCampaignState, type AddLeadsResult, type CampaignSummary,
} from '../../lib/campaigns/campaigns';
import { previewCampaign, type CampaignPreview } from '../../lib/campaigns/preview';
import { simulateSchedule, type CampaignSchedule } from '../../lib/campaigns/schedule';
import { sendingConfigFromEnv } from '../../lib/sending/config';
import { lintCampaign, type LintFinding } from '../../lib/campaigns/lint';
import type { LeadStatus } from '../../lib/types';
import { openExistingDb, openOrCreateDb } from './commandStore';
import { leadStatus, wholeNumber } from './args';

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** "warning: step 1 · email · variant A · body: …", each once (a finding in every spin of a text is one finding). */
function warningLines(warnings: readonly LintFinding[]): string[] {
  return [...new Set(warnings.map((w) => `warning: ${w.where}: ${w.message}`))];
}

/** Lint warnings go to stderr, so `--json` output stays one document. */
function printWarnings(warnings: readonly LintFinding[]): void {
  for (const line of warningLines(warnings)) process.stderr.write(line + '\n');
}

function readCampaignFile(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LeadflowError('input', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseCampaignText(text, file);
}

/** "12 (NEW 3, SENT 9)" */
function leadCounts(c: Pick<CampaignSummary, 'leads' | 'byStatus'>): string {
  const parts = Object.entries(c.byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`);
  return parts.length ? `${c.leads} (${parts.join(', ')})` : String(c.leads);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/** Save a campaign file: `create` refuses a name in use, `update` a name not in use. */
async function save(program: Command, file: string, o: { mode: 'create' | 'update'; activate?: boolean; json?: boolean }): Promise<void> {
  // A file that is not a campaign, or whose templates are wrong, is refused before any store is opened (or created).
  // The save lints again with the custom columns the store's leads have.
  const spec = readCampaignFile(file);
  const early = lintCampaign(spec);
  if (early.errors.length) {
    printWarnings(early.warnings);
    throw new CampaignLintError(early, spec.name);
  }
  const store = o.mode === 'create' ? await openOrCreateDb(program) : await openExistingDb(program);
  try {
    const exists = (await listCampaigns(store)).some((c) => c.name === spec.name);
    if (o.mode === 'create' && exists) {
      throw new LeadflowError('conflict', `campaign "${spec.name}" already exists: change it with \`leadflow campaign update --file ${file}\``);
    }
    if (o.mode === 'update') await getCampaign(store, spec.name); // none by that name: an input error naming those there are
    let saved;
    try {
      saved = await saveCampaign(store, spec, { source: file, state: o.activate ? 'active' : undefined });
    } catch (err) {
      // Refused: the errors are the message; the warnings found with them are worth fixing in the same pass.
      if (err instanceof CampaignLintError) printWarnings(err.report.warnings);
      throw err;
    }
    const { campaign, created, warnings } = saved;
    printWarnings(warnings);
    const summary = await campaignSummary(store, campaign.id);
    if (o.json) return printJson({ created, campaign: summary, warnings });
    process.stdout.write(
      `${created ? 'created' : 'updated'} campaign "${campaign.name}" (#${campaign.id}, ${campaign.state}): ${summary.product} from ${summary.sender}, ` +
        `${summary.steps} step(s), ${summary.leads} lead(s)${warnings.length ? `; ${warnings.length} warning(s) above` : ''}\n` +
        (summary.leads === 0
          ? `next: add its leads with \`leadflow import FILE --campaign ${campaign.name}\` or \`leadflow campaign add-leads ${campaign.name} --from demo\`\n`
          : '') +
        `next: \`leadflow campaign preview ${campaign.name}\`` +
        (campaign.state === 'active' ? '' : `, then \`leadflow campaign activate ${campaign.name}\``) +
        '\n',
    );
  } finally {
    await closeDb(store);
  }
}

function formatPreview(p: CampaignPreview): string {
  const c = p.campaign;
  const lines = [
    `Preview of "${c.name}" (${c.state}): ${c.product} from ${c.sender}, ${c.steps} step(s), ` +
      (p.leadsShown ? `for ${p.leadsShown} of its enriched leads` : c.builtin ? 'built in' : 'for a sample lead (none of its leads is enriched yet)'),
  ];
  if (c.builtin) lines.push('The demo is written by the built-in templates: `leadflow preview <lead>` shows a lead\'s email.');
  for (const s of p.samples) {
    lines.push('', `── step ${s.step} · ${s.channel} · variant ${s.variant} · ${s.writtenBy} — ${s.email}${s.leadId === null ? ' (sample lead)' : ` (lead #${s.leadId})`}`);
    if (s.subject !== null) lines.push(`Subject: ${s.subject}`, '');
    lines.push(s.body.trimEnd(), `(${s.words} words)`);
    for (const problem of s.problems) lines.push(`problem: ${problem}`);
  }
  if (p.warnings.length) lines.push('');
  lines.push(...warningLines(p.warnings));
  return lines.join('\n') + '\n';
}

/** The ids of every lead in `status` and/or of campaign `campaignId`. */
async function leadIdsOf(store: AnyStore, status: LeadStatus | undefined, campaignId: number | undefined): Promise<number[]> {
  const ids: number[] = [];
  for await (const page of leadPagesOf(store, status, campaignId)) ids.push(...page.map((l) => l.id));
  return ids;
}

function idList(raw: string): number[] {
  const ids = raw.split(',').map((x) => x.trim()).filter(Boolean);
  if (ids.length === 0 || ids.some((x) => !/^\d+$/.test(x))) throw new InvalidArgumentError(`takes lead ids separated by commas, e.g. 1,2,3; got "${raw}".`);
  return ids.map(Number);
}

function describeAdded(r: AddLeadsResult): string {
  const lines = [`${r.added.length} lead(s) added to campaign "${r.campaign}"` + (r.already.length ? `, ${r.already.length} already in it` : '')];
  if (r.kept.length) {
    const byCampaign = new Map<string, number[]>();
    for (const k of r.kept) byCampaign.set(k.campaign, [...(byCampaign.get(k.campaign) ?? []), k.leadId]);
    for (const [name, ids] of byCampaign) lines.push(`kept: ${ids.length} lead(s) stay in "${name}", which already wrote to them (${ids.join(', ')})`);
  }
  if (r.unknown.length) lines.push(`not in the store: ${r.unknown.join(', ')}`);
  return lines.join('\n') + '\n';
}

const MOVES: { command: string; state: CampaignState; description: string }[] = [
  { command: 'activate', state: 'active', description: "activate a campaign: its leads are written to and sent (draft → active)" },
  { command: 'pause', state: 'paused', description: 'pause a campaign: its leads are held, nothing of it is written or sent until it resumes' },
  { command: 'resume', state: 'active', description: 'resume a paused campaign' },
  { command: 'finish', state: 'finished', description: 'finish a campaign for good: no lead joins, is written to or sent' },
];

/** The simulated days, one block each: who gets which step when (on their clock), and what held the rest back. */
function formatSchedule(s: CampaignSchedule): string {
  const lines = [`Simulated ${s.days.length ? `from ${s.from}` : ''} for campaign ${s.campaign} — the same code that sends, on a copy of the store; nothing was sent.`];
  for (const d of s.days) {
    lines.push(`\n${d.date}: ${d.sends.length} send(s)`);
    for (const x of d.sends) lines.push(`  ${x.at.slice(11, 16)} UTC  step ${x.step}  ${x.email}  (${x.local})  from ${x.from}`);
    for (const [why, ticks] of Object.entries(d.heldBy)) lines.push(`  held back: ${why} (${ticks} tick(s))`);
  }
  lines.push(`\nStill queued at the end: ${s.stillQueued}.`);
  return lines.join('\n') + '\n';
}

export function registerCampaignCommands(program: Command): void {
  const campaign = program
    .command('campaign')
    .description('campaigns: your offer, your sender, your templates — create, preview, activate, pause, add leads');

  campaign
    .command('create')
    .description('create a campaign from a YAML or JSON file (as a draft unless --activate); every problem in it is named')
    .requiredOption('--file <path>', 'the campaign file (YAML or JSON)')
    .option('--activate', 'make it active at once (its leads are written to and sent)')
    .option('--json', 'print the saved campaign as JSON')
    .action((o: { file: string; activate?: boolean; json?: boolean }) => save(program, o.file, { mode: 'create', activate: o.activate, json: o.json }));

  campaign
    .command('update')
    .description('replace a campaign\'s offer, sender and templates from its file (found by the name in it); its state and leads stay')
    .requiredOption('--file <path>', 'the campaign file (YAML or JSON)')
    .option('--json', 'print the saved campaign as JSON')
    .action((o: { file: string; json?: boolean }) => save(program, o.file, { mode: 'update', json: o.json }));

  campaign
    .command('list')
    .description('list campaigns: state, product, sender, steps, leads by status')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const store = await openExistingDb(program);
      try {
        const list = await listCampaigns(store);
        if (o.json) return printJson(list);
        process.stdout.write(
          table([
            ['NAME', 'STATE', 'PRODUCT', 'SENDER', 'STEPS', 'LEADS'],
            ...list.map((c) => [c.name, c.state, c.product, c.sender, String(c.steps), leadCounts(c)]),
          ]),
        );
      } finally {
        await closeDb(store);
      }
    });

  campaign
    .command('show <name>')
    .description('print a campaign as YAML (a file `campaign update` takes back) with its state and lead counts')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const store = await openExistingDb(program);
      try {
        const c = await getCampaign(store, name);
        const summary = await campaignSummary(store, c.id);
        if (o.json) {
          return printJson({
            id: c.id, name: c.name, state: c.state, builtin: c.builtin, createdAt: c.createdAt, updatedAt: c.updatedAt,
            leads: summary.leads, byStatus: summary.byStatus, spec: c.spec,
          });
        }
        process.stdout.write(
          `# campaign #${c.id}, ${c.state}${c.builtin ? ' (built in: written by the built-in templates)' : ''}; leads: ${leadCounts(summary)}\n` +
            `# created ${c.createdAt}, updated ${c.updatedAt}\n` +
            toYaml(c.spec, { lineWidth: 0 }),
        );
      } finally {
        await closeDb(store);
      }
    });

  campaign
    .command('preview <name>')
    .description('render each step, channel and variant for a few of its leads (or a sample lead); writes nothing')
    .option('--leads <n>', 'how many of its leads to render for (1–20)', wholeNumber(1, 20), 2)
    .option('--days <n>', 'instead: simulate the next N days of sending (1–60), day by day, with your limits; sends nothing', wholeNumber(1, 60))
    .option('--json', 'print JSON')
    .action(async (name: string, o: { leads: number; days?: number; json?: boolean }) => {
      const store = await openExistingDb(program);
      try {
        if (o.days !== undefined) {
          const schedule = await simulateSchedule(store, name, sendingConfigFromEnv(process.env, {}), { days: o.days });
          process.stdout.write(o.json ? JSON.stringify(schedule, null, 2) + '\n' : formatSchedule(schedule));
          return;
        }
        const p = await previewCampaign(store, name, { leads: o.leads });
        process.stdout.write(o.json ? JSON.stringify(p, null, 2) + '\n' : formatPreview(p));
      } finally {
        await closeDb(store);
      }
    });

  for (const move of MOVES) {
    campaign
      .command(`${move.command} <name>`)
      .description(move.description)
      .action(async (name: string) => {
        const store = await openExistingDb(program);
        try {
          const before = (await getCampaign(store, name)).state;
          if (move.command === 'resume' && before !== 'paused' && before !== 'active') {
            throw new LeadflowError('conflict', `campaign "${name}" is ${before}, not paused: ${before === 'draft' ? `start it with \`leadflow campaign activate ${name}\`` : 'it cannot be resumed'}`);
          }
          const after = await setCampaignState(store, name, move.state);
          process.stdout.write(
            before === after.state ? `campaign "${after.name}" is already ${after.state}\n` : `campaign "${after.name}": ${before} → ${after.state}\n`,
          );
        } finally {
          await closeDb(store);
        }
      });
  }

  campaign
    .command('add-leads <name>')
    .description('put leads in a campaign: by id, or every lead in a status and/or of another campaign (one already written to stays where it is)')
    .option('--ids <ids>', 'lead ids, e.g. 1,2,3', idList)
    .option('--status <s>', 'every lead in this status, e.g. NEW', leadStatus)
    .option('--from <campaign>', 'every lead of this campaign, e.g. demo (with --status: those of it in that status)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { ids?: number[]; status?: LeadStatus; from?: string; json?: boolean }) => {
      if (o.ids ? o.status || o.from : !o.status && !o.from) {
        throw new LeadflowError('input', 'say which leads: --ids 1,2,3, or --status NEW and/or --from demo');
      }
      const store = await openExistingDb(program);
      try {
        const from = o.from === undefined ? undefined : (await getCampaign(store, o.from)).id;
        const ids = o.ids ?? (await leadIdsOf(store, o.status, from));
        const r = await addLeadsToCampaign(store, name, ids);
        if (o.json) printJson(r);
        else process.stdout.write(describeAdded(r));
        // Every id named was wrong: the command line named nothing there is.
        if (o.ids && r.unknown.length === ids.length) process.exitCode = 2;
      } finally {
        await closeDb(store);
      }
    });
}
