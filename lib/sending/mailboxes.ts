/**
 * Mailboxes: the accounts live email leaves from, and what each may send today.
 *
 * Where an account's secrets come from depends on the door: the environment (SMTP_*: the primary account) and a
 * mailboxes file the user points at (LEADFLOW_MAILBOXES) for the CLI, the MCP server and the page; one n8n SMTP
 * credential per Send Outreach node in n8n. The store never holds a password: a campaign names its mailboxes by
 * address, with their caps and warm-up (spec.ts), and the sends ledger records which mailbox each row left from.
 *
 * Which rows a mailbox serves (`mailboxLanes`): the rows already on it (a lead's later steps stay on the mailbox of
 * its first email; retries), and the unassigned rows of the active campaigns that list it — or, for the primary
 * account, of the campaigns that list no mailbox (the built-in demo among them), as before mailboxes existed.
 *
 * What it may send today: the sender's own daily cap (DAILY_SEND_CAP, per mailbox) and the smallest cap a campaign
 * listing it gives, warm-up applied: `start` on the mailbox's first sending day, `increasePerDay` more each day
 * after, up to its `dailyCap`. Both hold across processes through the shared budget (limits.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import type { Db } from '../store/db';
import { intOrNull } from '../store/rowMapper';
import { loadCampaigns } from '../campaigns/campaigns';
import { configuredSender, type Sender } from './compose';
import type { SmtpSettings } from './smtp';
import { localDate, type SendLimits } from './limits';
import { LeadflowError } from '../errors';

export class MailboxesFileError extends LeadflowError {
  constructor(message: string) {
    super('config', message);
    this.name = 'MailboxesFileError';
  }
}

const AccountSchema = z
  .strictObject({
    fromEmail: z.email({ error: 'fromEmail must be the email address the mailbox sends from' }),
    fromName: z.string().trim().max(80).optional(),
    host: z.string().trim().min(1, { error: 'host is empty' }),
    port: z.number().int().min(1).max(65535).default(587),
    /** TLS from the first byte (465); default: STARTTLS when offered, or true on port 465. */
    secure: z.boolean().optional(),
    user: z.string().trim().optional(),
    /** The password in the file itself (then the file must be readable by its owner alone), … */
    password: z.string().min(1).optional(),
    /** … or the name of an environment variable that holds it. */
    passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'passwordEnv is the name of an environment variable' }).optional(),
  })
  .refine((a) => !(a.password && a.passwordEnv), { error: 'give password or passwordEnv, not both' });

/**
 * Read a mailboxes file (YAML or JSON): a list of SMTP accounts.
 *
 *   - fromEmail: anna@tillpoint.example
 *     fromName: Anna Berg
 *     host: smtp.tillpoint.example
 *     port: 587
 *     user: anna@tillpoint.example
 *     passwordEnv: ANNA_SMTP_PASSWORD      # or password: "…" in a file only its owner can read (chmod 600)
 *
 * Every problem is named with its entry; a password in a file others can read is refused, as ssh refuses such keys.
 */
export function readMailboxesFile(path: string, env: NodeJS.ProcessEnv = process.env): SmtpSettings[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new MailboxesFileError(`LEADFLOW_MAILBOXES: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    throw new MailboxesFileError(`${path} is not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(value) ? value : (value as { mailboxes?: unknown } | null)?.mailboxes;
  if (!Array.isArray(list) || list.length === 0) throw new MailboxesFileError(`${path}: give a list of mailboxes (fromEmail, host, port, user, password or passwordEnv)`);
  const problems: string[] = [];
  const out: SmtpSettings[] = [];
  list.forEach((entry, i) => {
    const r = AccountSchema.safeParse(entry);
    if (!r.success) {
      for (const issue of r.error.issues) problems.push(`mailbox ${i + 1}${issue.path.length ? ` (${issue.path.join('.')})` : ''}: ${issue.message}`);
      return;
    }
    const a = r.data;
    let password = a.password;
    if (a.passwordEnv) {
      password = env[a.passwordEnv];
      if (!password) problems.push(`mailbox ${i + 1} (${a.fromEmail}): the environment variable ${a.passwordEnv} is not set`);
    }
    out.push({
      host: a.host,
      port: a.port,
      secure: a.secure ?? a.port === 465,
      user: a.user || undefined,
      password,
      from: configuredSender(a.fromEmail.toLowerCase(), a.fromName),
    });
  });
  const seen = new Set<string>();
  for (const a of out) {
    if (seen.has(a.from.email)) problems.push(`${a.from.email} is listed twice`);
    seen.add(a.from.email);
  }
  if (list.some((e) => typeof (e as { password?: unknown } | null)?.password === 'string')) {
    const mode = statSync(path).mode & 0o077;
    if (mode !== 0) problems.push(`${path} holds passwords and others can read it: \`chmod 600 ${path}\`, or use passwordEnv`);
  }
  if (problems.length) throw new MailboxesFileError(`LEADFLOW_MAILBOXES ${path}:\n${problems.map((p) => '  - ' + p).join('\n')}`);
  return out;
}

/** A mailbox as the drain uses it: who it sends as, which campaigns' new rows it serves, its cap today. */
export interface MailboxLane {
  address: string;
  /** Campaigns (ids) whose unassigned rows it may take. */
  campaigns: number[];
  /** The smallest cap a campaign listing it gives today, warm-up applied; 0 when none gives one. */
  campaignCap: number;
}

/** A mailbox's limits: the sender's, under the cap its campaigns give it today (when smaller); none when neither. */
export function laneLimits(limits: SendLimits | undefined, campaignCap: number): SendLimits | undefined {
  if (campaignCap <= 0) return limits;
  const base = limits ?? { ratePerMinute: 0, dailyCap: 0, bounceThreshold: 0, bounceSample: 1 };
  return { ...base, dailyCap: base.dailyCap > 0 ? Math.min(base.dailyCap, campaignCap) : campaignCap };
}

/** How many the warm-up allows on `nowMs`'s day: `start` on the first sending day, `increasePerDay` more each day. */
export function warmupCap(w: { start: number; increasePerDay: number }, dailyCap: number, firstSendMs: number | null, nowMs: number): number {
  if (firstSendMs === null) return Math.min(dailyCap, w.start);
  const days = Math.max(0, Math.round((Date.parse(localDate(nowMs, 'UTC')) - Date.parse(localDate(firstSendMs, 'UTC'))) / 86_400_000));
  return Math.min(dailyCap, w.start + days * w.increasePerDay);
}

/** When a mailbox first spent budget (epoch ms): the start of its warm-up. */
async function firstAttempt(db: Db, address: string): Promise<number | null> {
  return intOrNull((await db.get('SELECT min(at_ms) FROM send_attempts WHERE mailbox = ?', [address]))![0], 'min(send_attempts.at_ms)');
}

/**
 * The lanes for these accounts (the primary first): which campaigns each serves and its campaign cap today. A
 * campaign listing mailboxes none of which is here is reported in `unserved`, so a run says why its leads wait.
 */
export async function mailboxLanes(db: Db, accounts: readonly Sender[], nowMs: number): Promise<{ lanes: MailboxLane[]; unserved: string[] }> {
  const active = [...(await loadCampaigns(db)).values()].filter((c) => c.state === 'active');
  const lanes: MailboxLane[] = [];
  for (const [i, a] of accounts.entries()) {
    const address = a.email.toLowerCase();
    const lane: MailboxLane = { address, campaigns: [], campaignCap: 0 };
    let first: number | null | undefined;
    for (const c of active) {
      const listed = c.spec.mailboxes;
      if (!listed?.length) {
        if (i === 0) lane.campaigns.push(c.id);
        continue;
      }
      const mine = listed.find((m) => m.address === address);
      if (!mine) continue;
      lane.campaigns.push(c.id);
      if (first === undefined && mine.warmup) first = await firstAttempt(db, address);
      const cap = mine.warmup ? warmupCap(mine.warmup, mine.dailyCap, first ?? null, nowMs) : mine.dailyCap;
      lane.campaignCap = lane.campaignCap === 0 ? cap : Math.min(lane.campaignCap, cap);
    }
    lanes.push(lane);
  }
  const here = new Set(lanes.map((l) => l.address));
  const unserved = active
    .filter((c) => c.spec.mailboxes?.length && !c.spec.mailboxes.some((m) => here.has(m.address)))
    .map((c) => `campaign "${c.name}" sends from ${c.spec.mailboxes!.map((m) => m.address).join(', ')}, and no SMTP account here is one of them`);
  return { lanes, unserved };
}
