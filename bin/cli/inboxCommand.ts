/**
 * `leadflow inbox`: read the replies and bounces of an IMAP mailbox (IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD,
 * IMAP_TLS, IMAP_MAILBOX) and record each through the same lib call the n8n inbox workflow's Record Event makes —
 * once, or every N seconds until Ctrl-C. A message already recorded is never recorded again, so a loop, a restart or
 * a second reader is safe. Nothing on the mail server is changed.
 */
import { Option, type Command } from 'commander';
import { resolveGroqSettings } from '../../lib/llm/settings';
import { LeadflowError } from '../../lib/errors';
import type { InboxReport } from '../../lib/inbound/inbox';
import { openExistingDb } from './commandStore';
import { closeDb } from '../../lib/store/openDb';
import { oneOf, wholeNumber } from './args';

function describe(r: InboxReport): string {
  const recorded = r.outcomes.filter((o) => o.outcome === 'recorded');
  const lines = [`${r.mailbox}: ${r.read} message(s) read, ${recorded.length} recorded, ${r.outcomes.filter((o) => o.outcome === 'already_recorded').length} already recorded`];
  for (const o of r.outcomes) {
    if (o.outcome === 'recorded') lines.push(`  ${o.kind} from lead #${o.event.leadId}${o.event.intent ? ` (${o.event.intent.replace('_', ' ')})` : ''}: ${o.event.effect}`);
    else if (o.outcome === 'not_ours') lines.push(`  ${o.kind} ${o.messageId}: not recorded — ${o.reason}`);
  }
  return lines.join('\n');
}

export function registerInboxCommand(program: Command): void {
  program
    .command('inbox')
    .description('read replies and bounces from an IMAP mailbox (IMAP_HOST, IMAP_USER, IMAP_PASSWORD…) and record each once')
    .option('--every <seconds>', 'read again every this many seconds, until Ctrl-C (default: read once)', wholeNumber(5, 86_400))
    .option('--insecure-tls', 'accept a self-signed certificate (a local test server only)')
    .addOption(new Option('--replies <mode>', 'how replies are read: rules, or ai (Groq, with the rules as the floor: an opt-out they see always stands)').argParser(oneOf(['rules', 'ai'] as const)).default('rules'))
    .option('--json', 'print what was read and recorded as JSON (one document per read)')
    .action(async (o: { every?: number; insecureTls?: boolean; json?: boolean; replies: 'rules' | 'ai' }) => {
      // Loaded here, not with the CLI: the mail stack (imapflow, mailparser) is ~6 MB of heap no other command uses.
      const { imapSettingsFromEnv, readInbox } = await import('../../lib/inbound/inbox.js');
      const { createGroqClient } = await import('../../lib/llm/client.js');
      const settings = imapSettingsFromEnv(process.env);
      if (!settings) throw new LeadflowError('config', 'reading a mailbox needs IMAP_HOST, IMAP_USER and IMAP_PASSWORD (IMAP_PORT, IMAP_TLS and IMAP_MAILBOX are optional)');
      const groq = o.replies === 'ai' ? resolveGroqSettings({}, process.env) : null;
      const store = await openExistingDb(program);
      const ai = groq ? createGroqClient(groq, store) : undefined;
      let stop = false;
      const onSignal = () => (stop = true);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        for (;;) {
          const report = await readInbox(store, { ...settings, allowSelfSigned: o.insecureTls }, { ai });
          process.stdout.write((o.json ? JSON.stringify(report) : describe(report)) + '\n');
          if (o.every === undefined || stop) break;
          for (let waited = 0; waited < o.every * 1000 && !stop; waited += 250) await new Promise((r) => setTimeout(r, 250));
          if (stop) break;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await closeDb(store);
      }
    });
}
