/**
 * Live-sending benchmark against a local SMTP server (smtp-server, in another process so the client side is
 * measured alone):
 *   1. leadflow's ledger path with limits off (claim → suppression check → compose → SMTP → settle, per message),
 *   2. plain nodemailer pooled sending of the same composed messages, in the same run (the baseline; target ≥ 80%);
 *      1 and 2 are interleaved for `--rounds` pairs (default 3) and the median pair is reported,
 *   3. leadflow with the default 10/min rate limit on, for a few minutes: the achieved rate and the largest number of
 *      attempts the server saw in any 60 s window (must never exceed 10).
 * Usage: npm run bench:smtp [-- --messages 2000 --limited-seconds 180 --rounds 3]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { openStore } from '../lib/store/store';
import { sendQueued } from '../lib/sending/drain';
import { createSmtpTransport } from '../lib/sending/smtp';
import { DEFAULT_LIMITS } from '../lib/sending/limits';
import { queueLiveLeads, COMPLIANCE } from '../test/support/liveLeads';

const SENDER = { name: 'Bench Sender', email: 'bench@sender.leadflow-test.net' };

async function serverProcess(): Promise<{ port: number; child: ChildProcess; arrivals: () => Promise<number[]> }> {
  const child = fork(join(__dirname, 'smtpSink.ts'), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const arrivals = () =>
    new Promise<number[]>((resolve) => {
      child.once('message', (m: { arrivals: number[] }) => resolve(m.arrivals));
      child.send('arrivals');
    });
  return { port, child, arrivals };
}

function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** One leadflow run (limits off) of `n` fresh messages, then plain nodemailer pooled sending of the same messages. */
async function pair(file: string, n: number, port: number): Promise<{ leadflowSecs: number; poolSecs: number }> {
  const store = openStore(file);
  await queueLiveLeads(store, n);
  const transport = createSmtpTransport({ host: '127.0.0.1', port, from: SENDER });
  let t0 = performance.now();
  const tally = await sendQueued(store, { dryRun: false, transport, sender: SENDER, compliance: COMPLIANCE });
  const leadflowSecs = (performance.now() - t0) / 1000;
  transport.close();
  if (tally.sent !== n) throw new Error(`leadflow sent ${tally.sent} of ${n}`);

  // The same messages, composed and sent by nodemailer itself.
  const mails = store
    .stmt('SELECT l.email, l.first_name, l.last_name, m.subject, m.body FROM sends s JOIN leads l ON l.id = s.lead_id JOIN messages m ON m.id = s.message_id')
    .all()
    .map((r) => ({
      from: `"${SENDER.name}" <${SENDER.email}>`,
      to: `"${r.first_name} ${r.last_name}" <${r.email}>`,
      subject: r.subject as string,
      text: r.body as string,
    }));
  store.close();
  const pool = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, pool: true, maxConnections: 3, maxRequeues: 0 } as never);
  t0 = performance.now();
  await Promise.all(mails.map((m) => pool.sendMail(m)));
  const poolSecs = (performance.now() - t0) / 1000;
  pool.close();
  return { leadflowSecs, poolSecs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { messages: { type: 'string', default: '2000' }, 'limited-seconds': { type: 'string', default: '180' }, rounds: { type: 'string', default: '3' } } });
  const n = Number(values.messages);
  const limitedSeconds = Number(values['limited-seconds']);
  const rounds = Math.max(1, Number(values.rounds));
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-smtp-bench-'));
  const sink = await serverProcess();
  try {
    // 1 and 2, interleaved: one pair of runs swings by several points on this machine, so the figure is the median
    // of `rounds` pairs, each leadflow run followed by its nodemailer run of the same messages.
    const pairs: { leadflowSecs: number; poolSecs: number }[] = [];
    for (let round = 0; round < rounds; round++) pairs.push(await pair(join(dir, `a${round}.db`), n, sink.port));
    const ratio = (p: { leadflowSecs: number; poolSecs: number }) => p.poolSecs / p.leadflowSecs;
    pairs.sort((a, b) => ratio(a) - ratio(b));
    const ratios = pairs.map(ratio);
    const { leadflowSecs, poolSecs } = pairs[Math.floor(rounds / 2)];

    // 3. leadflow with the default rate limit, waiting mode.
    const limited = openStore(join(dir, 'b.db'));
    await queueLiveLeads(limited, 100, 'r');
    const before = (await sink.arrivals()).length;
    const transport2 = createSmtpTransport({ host: '127.0.0.1', port: sink.port, from: SENDER });
    const t0 = performance.now();
    const t2 = await sendQueued(limited, {
      dryRun: false,
      transport: transport2,
      sender: SENDER,
      compliance: COMPLIANCE,
      limits: { ...DEFAULT_LIMITS, dailyCap: 0 },
      maxWaitMs: limitedSeconds * 1000,
    });
    const limitedSecs = (performance.now() - t0) / 1000;
    transport2.close();
    limited.close();
    const arrivals = (await sink.arrivals()).slice(before);

    const leadflowRate = n / leadflowSecs;
    const poolRate = n / poolSecs;
    console.log('| run | messages | seconds | messages/s | note |');
    console.log('|---|---|---|---|---|');
    const pct = (r: number) => `${Math.round(r * 100)}%`;
    console.log(
      `| leadflow ledger path, limits off (median of ${rounds}) | ${n} | ${leadflowSecs.toFixed(1)} | ${leadflowRate.toFixed(0)} | ` +
        `${pct(leadflowRate / poolRate)} of nodemailer pooled (rounds: ${ratios.map(pct).join(', ')}) |`,
    );
    console.log(`| plain nodemailer, pooled (3 connections) | ${n} | ${poolSecs.toFixed(1)} | ${poolRate.toFixed(0)} | baseline |`);
    console.log(
      `| leadflow, 10/min limit, ${limitedSeconds} s | ${t2.sent} | ${limitedSecs.toFixed(0)} | ${((t2.sent / limitedSecs) * 60).toFixed(1)}/min | largest count in any 60 s window: ${maxInWindow(arrivals, 60_000)} |`,
    );
  } finally {
    sink.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
