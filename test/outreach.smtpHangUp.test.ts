import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { openStore } from '../lib/store/store';
import { leadflowAsync } from './support/cli';
import { startSmtp } from './support/smtpServer';
import { queueLiveLeads, liveEnv } from './support/liveLeads';
import { tempStorePath } from './support/tmp';

// The bound is each test's own timeout: before the fix the process stayed alive until the server closed its side,
// which this server never does (in the wild it was seen alive after more than ten minutes).
for (const startTls of [false, true]) {
  const how = startTls ? ' (after STARTTLS)' : '';
  test(`\`send --live --tick\` ends its process once the rows are settled, even when the SMTP server never closes its side${how}`, { timeout: 60_000 }, async (t) => {
    const db = tempStorePath(t);
    const store = openStore(db);
    const smtp = await startSmtp({ neverHangsUp: true, startTls });
    t.after(async () => {
      await smtp.close();
      store.close();
    });
    await queueLiveLeads(store, 5);
    const child = leadflowAsync(
      ['--db', db, 'send', '--live', '--tick', '--json'],
      // The test server's certificate is self-signed; this is set for the child process only.
      liveEnv(smtp.port, startTls ? { NODE_TLS_REJECT_UNAUTHORIZED: '0' } : {}),
    );
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    await once(child, 'exit');
    const out = child.output();
    assert.equal(out.code, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).sent, 5);
    assert.equal(smtp.received.length, 5);
    assert.equal(store.stmt("SELECT count(*) AS n FROM sends WHERE dry_run = 0 AND state = 'SENT'").get()?.n, 5);
  });
}
