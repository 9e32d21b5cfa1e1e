/**
 * `leadflow doctor <domain>`: check the sending domain's SPF, DKIM, DMARC and MX against the Gmail/Yahoo
 * bulk-sender rules and say what to fix. Reads DNS only. Exits 1 when a finding is an error or a check got no
 * answer from DNS, so a deploy script can refuse to start a live campaign from a domain that will be junked.
 *
 * `leadflow doctor --store [--repair]`: check the store instead (see storeDoctor.ts).
 */
import { Resolver } from 'node:dns/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { doctor, type DoctorReport, type Severity } from '../../lib/deliverability/doctor';
import type { Store } from '../../lib/store/store';
import { formatStoreDoctor, storeDoctor } from './storeDoctor';

const MARK: Record<Severity, string> = { ok: 'OK  ', info: 'INFO', warning: 'WARN', error: 'FAIL' };

function dnsServer(raw: string): string {
  if (!/^[0-9a-f.:[\]]+(:\d{1,5})?$/i.test(raw.trim())) {
    throw new InvalidArgumentError(`takes a DNS server as host:port or an IP address (e.g. 1.1.1.1 or 127.0.0.1:5353); got "${raw}".`);
  }
  return raw.trim();
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function formatDoctor(r: DoctorReport): string {
  const lines = [`Sender doctor — ${r.domain}`];
  for (const f of r.findings) {
    lines.push(`  ${MARK[f.severity]}  ${f.check.padEnd(11)} ${f.message}`);
    if (f.fix && f.severity !== 'ok') lines.push(`        ${''.padEnd(11)} fix: ${f.fix}`);
  }
  const warnings = r.counts.warning ? ` (${r.counts.warning} warning(s) to look at)` : '';
  if (r.counts.error) lines.push(`${r.counts.error} error(s) to fix before sending bulk email from ${r.domain}${warnings}.`);
  else if (r.unchecked) lines.push(`Not finished: ${r.unchecked} check(s) got no answer from DNS; run again, or pass --dns-server to ask another resolver.`);
  else lines.push(`No errors: ${r.domain} meets the DNS side of the bulk-sender rules${warnings}.`);
  return lines.join('\n');
}

export function registerDoctorCommand(program: Command, existingStore: () => Store): void {
  program
    .command('doctor [domain]')
    .description('check SPF, DKIM, DMARC and MX of your sending domain against the Gmail/Yahoo bulk-sender rules (or, with --store, the store)')
    .option('--json', 'print the report as JSON')
    .option('--dns-server <host:port>', 'ask this DNS server instead of the system resolver', dnsServer)
    .option('--dkim-selector <name>', 'also try this DKIM selector (repeatable)', collect, [] as string[])
    .option('--store', "check the store instead: its counts against a recount of its rows (reads every row once)")
    .option('--repair', 'with --store: rebuild the counts that disagree')
    .action(async (domain: string | undefined, o: { json?: boolean; dnsServer?: string; dkimSelector: string[]; store?: boolean; repair?: boolean }, cmd: Command) => {
      if (o.store) {
        if (domain !== undefined) cmd.error('error: --store checks the store, not a domain: run the two separately', { exitCode: 2 });
        const s = existingStore();
        try {
          const report = storeDoctor(s, o.repair === true);
          process.stdout.write((o.json ? JSON.stringify(report, null, 2) : formatStoreDoctor(report)) + '\n');
          if (!report.ok) process.exitCode = 1;
        } finally {
          s.close();
        }
        return;
      }
      if (o.repair) cmd.error('error: --repair goes with --store', { exitCode: 2 });
      if (domain === undefined) cmd.error("error: name the sending domain to check (leadflow doctor example.com), or check the store with --store", { exitCode: 2 });
      const resolver = new Resolver({ timeout: 3000, tries: 2 });
      if (o.dnsServer) resolver.setServers([o.dnsServer]);
      // A domain that is not one is lib's DoctorInputError (kind input): exit 2, from the CLI's one error handler.
      const report: DoctorReport = await doctor(domain, { resolver, dkimSelectors: o.dkimSelector });
      process.stdout.write((o.json ? JSON.stringify(report, null, 2) : formatDoctor(report)) + '\n');
      if (!report.ok) process.exitCode = 1;
    });
}
