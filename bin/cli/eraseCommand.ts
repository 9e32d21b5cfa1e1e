/**
 * `leadflow erase EMAIL`: forget one person (a GDPR erasure request). Every row about them goes; their address stays
 * only as a one-way hash on the suppression list, so it is never re-imported or mailed.
 */
import type { Command } from 'commander';
import { openOrCreateDb } from './commandStore';
import { closeDb } from '../../lib/store/openDb';

export function registerEraseCommand(program: Command): void {
  program
    .command('erase <email>')
    .description('erase one person: delete every row about them and suppress their address by hash (never re-imported)')
    .option('--json', 'print the result as JSON')
    .action(async (email: string, o: { json?: boolean }) => {
      // Loaded when the command runs: the logger (pino) is the erasure's alone among the CLI's commands.
      const { eraseEmail } = await import('../../lib/leads/erase.js');
      const { createLogger } = await import('../../lib/log/logger.js');
      const { default: pino } = await import('pino');
      const log = createLogger({ name: 'cli', defaultLevel: 'warn', destination: pino.destination({ fd: 2, sync: true }) });
      // Creates a store when there is none: the suppression must hold before the person is ever imported.
      const store = await openOrCreateDb(program);
      try {
        const r = await eraseEmail(store, email);
        // The log keeps the lead id, never the address: the address is what was asked to be forgotten.
        log.info({ leadId: r.leadId, deleted: r.deleted }, 'erased');
        if (o.json) {
          process.stdout.write(JSON.stringify(r, null, 2) + '\n');
          return;
        }
        const d = r.deleted;
        process.stdout.write(
          r.leadId === null
            ? `no lead with that address was in ${store.location}; `
            : `erased lead #${r.leadId}: ${d.messages} message(s), ${d.sends} send record(s), ${d.events} event(s) removed; `,
        );
        process.stdout.write('the address is now on the suppression list as a one-way hash: it will never be imported or mailed again.\n');
      } finally {
        await closeDb(store);
      }
    });
}
