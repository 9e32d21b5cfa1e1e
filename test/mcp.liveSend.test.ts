/**
 * Live sending through the MCP server takes two calls, and nothing else sends: a preview hands out a single-use,
 * expiring confirm_token bound to what it showed; only that token, once, sends — to a real SMTP server in this
 * process, never further.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../lib/store/store';
import { mcpOverHttp, mcpOverStdio, type McpSession } from './support/mcpClient';
import { startSmtpSink } from './support/mcpSmtp';
import { tempStorePath } from './support/tmp';

const REAL_LEADS = [
  { email: 'dana.ruiz@brightforge.io', firstName: 'Dana', lastName: 'Ruiz', title: 'CTO', company: 'Brightforge', website: 'https://brightforge.io', country: 'Germany' },
  { email: 'lee.park@tidewater.co', firstName: 'Lee', lastName: 'Park', title: 'VP Engineering', company: 'Tidewater', website: 'https://tidewater.co', country: 'Germany' },
  { email: 'ana.silva@corvid.dev', firstName: 'Ana', lastName: 'Silva', title: 'Head of Data', company: 'Corvid', website: 'https://corvid.dev', country: 'Germany' },
  { email: 'omar.haddad@quillstone.net', firstName: 'Omar', lastName: 'Haddad', title: 'COO', company: 'Quillstone', website: 'https://quillstone.net', country: 'Germany' },
];

interface Preview {
  step: string;
  preview: { count: number; remaining: number; excluded: { synthetic: number; suppressed: number }; leads: { leadId: number; email: string; variant: string; subject: string | null }[] };
  confirm_token?: string;
  expires_at?: string;
}

const count = (s: Store, sql: string, ...p: (string | number)[]) => Number(s.stmt(sql).get(...p)?.n);

/** Four real leads and three synthetic ones, enriched and messaged on email. */
async function messagedLeads(mcp: McpSession): Promise<void> {
  const imported = await mcp.ok<{ inserted: number }>('import_leads', { rows: REAL_LEADS });
  assert.equal(imported.inserted, 4);
  await mcp.ok('generate_leads', { count: 3, seed: 21 });
  await mcp.ok('enrich_leads', {});
  const m = await mcp.ok<{ messaged: number }>('generate_messages', { channels: ['email'] });
  assert.equal(m.messaged, 7);
}

function storeAt(t: { after(fn: () => void): void }, path: string): Store {
  const s = openStore(path);
  t.after(() => s.close());
  return s;
}

test('a live send previews first: who, which variant, who is left out — and sends nothing', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, smtp.env);
  await messagedLeads(mcp);
  const p = await mcp.ok<Preview>('send_outreach', { dry_run: false, limit: 3 });
  const s = storeAt(t, db);
  assert.equal(p.step, 'preview');
  assert.deepEqual(p.preview.leads.map((l) => l.email), REAL_LEADS.slice(0, 3).map((l) => l.email));
  for (const l of p.preview.leads) {
    assert.equal(l.variant, s.stmt('SELECT variant FROM leads WHERE id = ?').get(l.leadId)?.variant);
  }
  assert.equal(p.preview.remaining, 1);
  assert.equal(p.preview.excluded.synthetic, 3);
  assert.match(p.confirm_token ?? '', /^[A-Za-z0-9_-]{32}$/);
  assert.equal(smtp.received.length, 0);
  assert.equal(count(s, 'SELECT count(*) AS n FROM sends WHERE dry_run = 0'), 0);
  assert.equal(count(s, 'SELECT count(*) AS n FROM confirmations WHERE token_hash = ?', p.confirm_token!), 0, 'only a hash is stored');
});

test('the confirm_token sends exactly the previewed leads, once; using it again sends nothing', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, smtp.env);
  await messagedLeads(mcp);
  const p = await mcp.ok<Preview>('send_outreach', { dry_run: false, limit: 3 });
  const sent = await mcp.ok<{ step: string; tally: { sent: number }; outcomes: { email: string; state: string }[] }>('send_outreach', {
    dry_run: false,
    limit: 3,
    confirm_token: p.confirm_token,
  });
  assert.equal(sent.step, 'sent');
  assert.equal(sent.tally.sent, 3);
  assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), p.preview.leads.map((l) => l.email).sort());
  assert.ok(smtp.received.every((m) => m.from === 'alex@leadflow-sender.io'));
  for (const l of p.preview.leads) {
    const mail = smtp.received.find((m) => m.to[0] === l.email)!;
    assert.ok(mail.data.includes(`Subject: ${l.subject}`) || l.subject === null || /Subject: =\?/.test(mail.data), 'the previewed subject went out');
  }
  const s = storeAt(t, db);
  assert.equal(count(s, "SELECT count(*) AS n FROM sends WHERE dry_run = 0 AND state = 'SENT'"), 3);

  const again = await mcp.error('send_outreach', { dry_run: false, limit: 3, confirm_token: p.confirm_token });
  assert.match(again, /nothing was sent: this confirm_token was already used/);
  assert.equal(smtp.received.length, 3);
  assert.equal(count(s, 'SELECT count(*) AS n FROM sends WHERE dry_run = 0'), 3);
});

test('no path sends live without a valid token: none, a made-up one, other arguments, or a dry run carrying one', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, smtp.env);
  await messagedLeads(mcp);
  const p = await mcp.ok<Preview>('send_outreach', { dry_run: false, limit: 2 });
  assert.match(await mcp.error('send_outreach', { dry_run: false, limit: 2, confirm_token: 'x'.repeat(32) }), /never issued/);
  assert.match(
    await mcp.error('send_outreach', { dry_run: false, limit: 4, confirm_token: p.confirm_token }),
    /issued for different arguments; call send_outreach again with the same channel, limit and campaign/,
  );
  assert.match(await mcp.error('send_outreach', { dry_run: true, confirm_token: p.confirm_token }), /confirm_token only goes with dry_run: false/);
  assert.match(await mcp.error('send_outreach', { dry_run: false, channel: 'linkedin' }), /live sending is email only/);
  assert.match(await mcp.error('send_outreach', { dry_run: false, limit: 51 }), /at most 50 leads per confirmation/);
  const s = storeAt(t, db);
  assert.equal(smtp.received.length, 0);
  assert.equal(count(s, 'SELECT count(*) AS n FROM sends WHERE dry_run = 0'), 0);
  // The mismatched call did not spend the token: the preview's own arguments still work.
  const sent = await mcp.ok<{ tally: { sent: number } }>('send_outreach', { dry_run: false, limit: 2, confirm_token: p.confirm_token });
  assert.equal(sent.tally.sent, 2);
});

test('an expired confirm_token sends nothing and asks for a new preview', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, smtp.env);
  await messagedLeads(mcp);
  const p = await mcp.ok<Preview>('send_outreach', { dry_run: false, limit: 2 });
  const s = storeAt(t, db);
  s.stmt('UPDATE confirmations SET expires_at = ?').run(new Date(Date.now() - 1000).toISOString());
  assert.match(
    await mcp.error('send_outreach', { dry_run: false, limit: 2, confirm_token: p.confirm_token }),
    /nothing was sent: this confirm_token expired at .*; ask for a new preview/,
  );
  assert.equal(smtp.received.length, 0);
  assert.equal(count(s, 'SELECT count(*) AS n FROM sends WHERE dry_run = 0'), 0);
});

test('if the leads changed since the preview (one unsubscribed), the token sends nothing', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, smtp.env);
  await messagedLeads(mcp);
  const p = await mcp.ok<Preview>('send_outreach', { dry_run: false, limit: 4 });
  await mcp.ok('record_event', { type: 'unsubscribe', email: p.preview.leads[1].email });
  assert.match(
    await mcp.error('send_outreach', { dry_run: false, limit: 4, confirm_token: p.confirm_token }),
    /nothing was sent: the leads to send changed since the preview \(4 previewed, 3 now\)/,
  );
  assert.equal(smtp.received.length, 0);
});

test('without SMTP settings a live send is refused before any preview or token', async (t) => {
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, { SMTP_HOST: '', SMTP_FROM_EMAIL: '' });
  await messagedLeads(mcp);
  assert.match(await mcp.error('send_outreach', { dry_run: false }), /nothing was sent: live sending needs SMTP settings and SMTP_HOST is not set/);
  const s = storeAt(t, db);
  assert.equal(count(s, 'SELECT count(*) AS n FROM confirmations'), 0);
  assert.equal(count(s, 'SELECT count(*) AS n FROM sends WHERE dry_run = 0'), 0);
});

test('without an unsubscribe URL and a postal address a live send is refused, naming what to set', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, { ...smtp.env, LEADFLOW_UNSUBSCRIBE_URL: '', SENDER_POSTAL_ADDRESS: '' });
  await messagedLeads(mcp);
  const message = await mcp.error('send_outreach', { dry_run: false });
  assert.match(message, /nothing was sent: .*set LEADFLOW_UNSUBSCRIBE_URL .*SENDER_POSTAL_ADDRESS/);
  assert.doesNotMatch(message, /LEADFLOW_SECRET/, 'the secret that is set is not reported missing');
  assert.equal(smtp.received.length, 0);
});

test('every live email carries the one-click unsubscribe headers and the postal address', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const mcp = await mcpOverStdio(t, db, smtp.env);
  await messagedLeads(mcp);
  const p = await mcp.ok<Preview>('send_outreach', { dry_run: false, limit: 1 });
  await mcp.ok('send_outreach', { dry_run: false, limit: 1, confirm_token: p.confirm_token });
  assert.equal(smtp.received.length, 1);
  // Unfold long headers (RFC 5322 §2.2.3) and soft line breaks (quoted-printable) before reading.
  const mail = smtp.received[0].data.replace(/\r\n[ \t]+/g, ' ');
  assert.match(mail, /^List-Unsubscribe: <http:\/\/127\.0\.0\.1:9\/unsubscribe/m);
  assert.match(mail, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
  assert.match(mail.replace(/=\r?\n/g, ''), /Teststrasse 1/);
});

test('the token lives in the store: previewed over stdio, confirmed over HTTP by another server process', async (t) => {
  const smtp = await startSmtpSink(t);
  const db = tempStorePath(t);
  const stdio = await mcpOverStdio(t, db, smtp.env);
  await messagedLeads(stdio);
  const p = await stdio.ok<Preview>('send_outreach', { dry_run: false, limit: 1 });
  const http = await mcpOverHttp(t, db, smtp.env);
  const sent = await http.ok<{ tally: { sent: number } }>('send_outreach', { dry_run: false, limit: 1, confirm_token: p.confirm_token });
  assert.equal(sent.tally.sent, 1);
  assert.deepEqual(smtp.received.map((m) => m.to[0]), [p.preview.leads[0].email]);
  assert.match(await stdio.error('send_outreach', { dry_run: false, limit: 1, confirm_token: p.confirm_token }), /already used/);
});
