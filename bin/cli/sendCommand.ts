/**
 * `leadflow send`: queue what is ready and send it through the ledger — a dry run unless --live (or the original
 * design's DRY_RUN_MODE=false). `--tick` (the default) sends what today's limits allow right now and returns, for a
 * cron job or n8n's scheduled workflow; `--wait S` keeps going, spaced by the rate, for at most S seconds.
 * `leadflow sends …` looks after the ledger: list rows, retry UNKNOWN ones a person has checked, resume after a pause.
 */
import { Option, type Command } from 'commander';
import { LeadflowError } from '../../lib/errors';
import { openExistingDb } from './commandStore';
import { closeDb } from '../../lib/store/openDb';
import type { Db } from '../../lib/store/db';
import { campaignIn, loadCampaigns } from '../../lib/campaigns/campaigns';
import { DEFAULT_SEQUENCE } from '../../lib/campaigns/demo';
import type { SendTally } from '../../lib/sending/drain';
import { sendReady, type SendReadyResult } from '../../lib/sending/sendReady';
import { sendingConfigFromEnv } from '../../lib/sending/config';
import { VERIFICATION_POLICIES, type VerificationPolicy } from '../../lib/deliverability/verify';
import { resumeMailbox } from '../../lib/sending/limits';
import { SEND_STATES, listSendsInState, retryUnknownSends, type SendState } from '../../lib/sending/ledger';
import type { Channel } from '../../lib/types';
import { channelList, wholeNumber, oneOf } from './args';

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text + '\n');
}

/** One paragraph for people: what was queued and sent, and what is still waiting and why. */
export function describeRun(r: SendReadyResult, sequence: boolean): string {
  const left = [
    r.excluded.synthetic ? `${r.excluded.synthetic} synthetic lead(s) on reserved domains (never mailed live)` : '',
    r.excluded.suppressed ? `${r.excluded.suppressed} suppressed address(es)` : '',
  ].filter(Boolean);
  return (
    `${r.live ? 'Live' : 'Dry run'}: ${r.queued} newly queued${sequence ? `, ${r.followUps} follow-up(s) scheduled` : ''}. ` +
    describe(r, r.live) +
    (left.length ? `\nLeft out: ${left.join('; ')}.` : '')
  );
}

function describe(t: SendTally, live: boolean): string {
  const parts = [live ? `${t.sent} sent` : `${t.simulated} simulated (dry run: recorded, nothing was sent)`];
  if (t.failed) parts.push(`${t.failed} failed`);
  if (t.skipped) parts.push(`${t.skipped} skipped`);
  if (t.requeued) parts.push(`${t.requeued} to retry`);
  if (t.unknown) parts.push(`${t.unknown} UNKNOWN (check, then \`leadflow sends retry-unknown\`)`);
  let text = parts.join(', ') + '.';
  if (t.stillQueued) text += `\n${t.stillQueued} still queued; the next can go at ${t.nextSendAt}${t.limitedBy ? ` (held by the ${t.limitedBy})` : ''}.`;
  return text;
}

/**
 * Only an active campaign's leads are sent: naming one that is not says so (on stderr) before the tally's zero does.
 * An unknown name is the lib's input error, which names the campaigns there are.
 */
export async function noteHeldCampaign(db: Db, name: string): Promise<void> {
  const c = campaignIn(await loadCampaigns(db), name);
  if (c.state === 'active') return;
  const why: Record<typeof c.state, string> = {
    draft: `is a draft: its leads are not sent until \`leadflow campaign activate ${c.name}\``,
    paused: `is paused: its leads are held until \`leadflow campaign resume ${c.name}\``,
    finished: 'is finished: its leads are no longer sent',
  };
  process.stderr.write(`campaign "${c.name}" ${why[c.state]}\n`);
}

export function registerSendCommands(program: Command): void {
  // Sending and looking after the ledger work on leads already in a store: none at the path is an error.
  const storeOf = () => openExistingDb(program);

  program
    .command('send')
    .description('queue messaged leads and send through the ledger: dry run unless --live; --tick (default) or --wait S')
    .option('--live', 'send real email through SMTP (needs SMTP_* settings, LEADFLOW_UNSUBSCRIBE_URL, LEADFLOW_SECRET, SENDER_POSTAL_ADDRESS)')
    .option('--dry-run', 'record what would be sent, send nothing (the default)')
    .option('--tick', 'send what the limits allow now and return (the default)')
    .option('--wait <seconds>', 'keep sending as the limits allow, for at most this long', wholeNumber(0, 86_400))
    .option('--channels <list>', 'channels (email,linkedin)', channelList, ['email'] as Channel[])
    .option('--limit <n>', 'send at most this many', wholeNumber(1))
    .addOption(
      new Option(
        '--sequence [days]',
        "schedule due follow-ups (email): a campaign's later steps keep its file's delays; the demo's wait these business days after the previous step (default 3,5)",
      )
        .preset(DEFAULT_SEQUENCE.join(','))
        .argParser((v: string) => v.split(',').map((x) => wholeNumber(1, 365)(x.trim()))),
    )
    .addOption(
      new Option('--verify <policy>', 'hold back first emails that `leadflow verify` did not clear: deliverable-only or allow-risky').argParser(
        oneOf(VERIFICATION_POLICIES),
      ),
    )
    .option('--campaign <name>', "only this campaign's leads (otherwise those of every active campaign)")
    .option('--json', 'print the tally as JSON')
    .action(async (o: { live?: boolean; dryRun?: boolean; tick?: boolean; wait?: number; channels: Channel[]; limit?: number; sequence?: number[]; verify?: VerificationPolicy; campaign?: string; json?: boolean }) => {
      if (o.live && o.dryRun) throw new LeadflowError('input', '--live and --dry-run contradict each other: pick one');
      // Flags on top of the environment (DRY_RUN_MODE=false is the original design's switch to live).
      const config = sendingConfigFromEnv(process.env, { live: o.live ? true : o.dryRun ? false : undefined, verificationPolicy: o.verify });
      const store = await storeOf();
      try {
        if (o.campaign !== undefined) await noteHeldCampaign(store, o.campaign);
        const r = await sendReady(
          store,
          { channels: o.channels, limit: o.limit, maxWaitMs: o.wait ? o.wait * 1000 : 0, sequence: o.sequence, campaign: o.campaign },
          config,
        );
        print(o.json, r, describeRun(r, !!o.sequence));
      } finally {
        await closeDb(store);
      }
    });

  const sends = program.command('sends').description('look after the send ledger');

  sends
    .command('list')
    .description('list ledger rows in a state')
    .addOption(new Option('--state <s>', `one of ${SEND_STATES.join(', ')}`).argParser(oneOf(SEND_STATES.map((s) => s.toLowerCase()) as never)).default('unknown'))
    .option('--json', 'print JSON')
    .action(async (o: { state: string; json?: boolean }) => {
      const store = await storeOf();
      try {
        const rows = await listSendsInState(store, o.state.toUpperCase() as SendState);
        print(o.json, rows, rows.map((r) => `#${r.id} lead ${r.leadId} ${r.email} ${r.channel}/${r.step} ${r.state} — ${r.error ?? ''}`).join('\n') || 'none');
      } finally {
        await closeDb(store);
      }
    });

  sends
    .command('retry-unknown')
    .description('put UNKNOWN rows back in the queue — only after checking they were not delivered (a double send is worse than a missed one)')
    .option('--id <ids>', 'comma-separated ledger row ids', (v: string) => v.split(',').map((x) => wholeNumber(1)(x.trim())))
    .option('--all', 'every UNKNOWN row')
    .option('--json', 'print JSON')
    .action(async (o: { id?: number[]; all?: boolean; json?: boolean }) => {
      if (!o.id && !o.all) throw new LeadflowError('input', 'say which rows: --id 12,13 or --all (see `leadflow sends list --state unknown`)');
      const store = await storeOf();
      try {
        const n = await retryUnknownSends(store, o.all ? 'all' : o.id!, new Date().toISOString());
        print(o.json, { requeued: n }, `${n} UNKNOWN row(s) queued again`);
      } finally {
        await closeDb(store);
      }
    });

  sends
    .command('resume')
    .description('resume sending after a pause (e.g. a bounce rate over its threshold)')
    .action(async () => {
      const store = await storeOf();
      try {
        const n = await resumeMailbox(store);
        process.stdout.write(n ? `resumed ${n} paused mailbox(es)\n` : 'nothing was paused\n');
      } finally {
        await closeDb(store);
      }
    });
}
