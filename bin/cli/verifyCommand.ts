/**
 * `leadflow verify`: give waiting leads a verdict — deliverable, risky or undeliverable — from syntax, MX, the
 * disposable-domain list and role accounts, without sending anything. `leadflow send --live --verify <policy>` then
 * holds back a first email the verdict does not allow.
 */
import { Resolver } from 'node:dns/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { openExistingDb } from './commandStore';
import { closeDb } from '../../lib/store/openDb';
import { verifyLeads } from '../../lib/deliverability/verifyLeads';
import { wholeNumber } from './args';

function dnsServer(raw: string): string {
  if (!/^[0-9a-f.:[\]]+(:\d{1,5})?$/i.test(raw.trim())) {
    throw new InvalidArgumentError(`takes a DNS server as host:port or an IP address (e.g. 1.1.1.1 or 127.0.0.1:5353); got "${raw}".`);
  }
  return raw.trim();
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('verify waiting leads (syntax, MX, disposable, role) and store a verdict per lead; sends nothing')
    .option('--limit <n>', 'at most this many leads', wholeNumber(1, 1_000_000), 500)
    .option('--recheck', 'verify leads that already have a verdict again')
    .option('--dns-server <host:port>', 'ask this DNS server instead of the system resolver', dnsServer)
    .option('--json', 'print the tally as JSON')
    .action(async (o: { limit: number; recheck?: boolean; dnsServer?: string; json?: boolean }) => {
      const resolver = new Resolver({ timeout: 5_000, tries: 2 });
      if (o.dnsServer) resolver.setServers([o.dnsServer]);
      const store = await openExistingDb(program);
      try {
        const t = await verifyLeads(store, { limit: o.limit, recheck: o.recheck, resolver });
        if (o.json) process.stdout.write(JSON.stringify({ checked: t.checked, byVerdict: t.byVerdict, domainsLookedUp: t.domainsLookedUp }, null, 2) + '\n');
        else {
          const v = t.byVerdict;
          process.stdout.write(
            `verified ${t.checked} lead(s): ${v.deliverable} deliverable, ${v.risky} risky, ${v.undeliverable} undeliverable ` +
              `(${t.domainsLookedUp} domain(s) looked up)\n`,
          );
        }
      } finally {
        await closeDb(store);
      }
    });
}
