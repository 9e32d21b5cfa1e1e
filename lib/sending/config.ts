/**
 * `SendingConfig`: everything a send needs besides the store — the transport, the sender, what every live email must
 * carry (compliance), the limits and the recipient-verification policy — defined by one zod schema and validated
 * the same way with the same sentences wherever it comes from:
 * - `sendingConfigFromEnv` for the CLI, the MCP server and the status page (the original design's environment names,
 *   with flags on top);
 * - `sendingConfigFromN8n` for the nodes (the SMTP credential, which also holds the compliance settings, with the
 *   node's parameters for the limits).
 * A config is either a dry run (nothing leaves the machine) or live; a live one is complete or it is not a config:
 * the error names every setting that is missing. Secrets are never part of an error or a summary.
 */
import { LeadflowError } from '../errors';
import { z } from 'zod';
import type { Sender } from './compose';
import { DRY_RUN_SENDER, configuredSender } from './compose';
import { DEFAULT_LIMITS, DEFAULT_MAX_RETRIES, parseSendWindow, type SendLimits } from './limits';
import { smtpSettingsFromEnv, type SmtpSettings } from './smtp';
import type { Compliance } from './drain';
import { readMailboxesFile } from './mailboxes';
import { VERIFICATION_POLICIES, type VerificationPolicy } from '../deliverability/verify';

export class SendingConfigError extends LeadflowError {
  constructor(message: string) {
    super('config', message);
    this.name = 'SendingConfigError';
  }
}

/** The sentences a user sees, one per rule, whichever adapter they came through. */
export const SENDING_RULES = {
  secret: 'set LEADFLOW_SECRET (in n8n: the SMTP credential\'s Unsubscribe Secret) to at least 16 characters, e.g. `openssl rand -hex 32`: it signs the unsubscribe links',
  unsubscribeUrl: 'set LEADFLOW_UNSUBSCRIBE_URL (in n8n: the SMTP credential\'s Unsubscribe URL) to the public http(s) URL of the unsubscribe endpoint, e.g. the status page\'s /unsubscribe',
  unsubscribeMailto: 'set LEADFLOW_UNSUBSCRIBE_MAILTO (in n8n: the SMTP credential\'s Unsubscribe Mailbox) to an email address, or leave it empty',
  postalAddress: 'set SENDER_POSTAL_ADDRESS (in n8n: the SMTP credential\'s Postal Address) to the sender\'s postal address, required in every commercial email',
  smtp: 'live sending needs SMTP settings and SMTP_HOST is not set: set SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD and SMTP_FROM_EMAIL (in n8n: a Leadflow SMTP credential); dry runs need none of this',
} as const;

/** How a user sets each limit, for the error that names it: the environment's names, or the node's parameters. */
export interface LimitNames {
  ratePerMinute: string;
  dailyCap: string;
  window: string;
  maxRetries: string;
  bounceThreshold: string;
  bounceSample: string;
}

const ENV_NAMES: LimitNames = {
  ratePerMinute: 'RATE_LIMIT_PER_MINUTE',
  dailyCap: 'DAILY_SEND_CAP',
  window: 'SEND_WINDOW',
  maxRetries: 'MAX_RETRIES',
  bounceThreshold: 'BOUNCE_PAUSE_THRESHOLD',
  bounceSample: 'BOUNCE_PAUSE_SAMPLE',
};

const N8N_NAMES: LimitNames = {
  ratePerMinute: 'Rate per Minute',
  dailyCap: 'Daily Cap',
  window: 'Send Window',
  maxRetries: 'Max Retries',
  bounceThreshold: 'Bounce Pause Threshold',
  bounceSample: 'Bounce Pause Sample',
};

const whole = (what: string, max: number) =>
  z.number({ error: `${what} must be a whole number` }).int({ error: `${what} must be a whole number` }).min(0, { error: `${what} cannot be negative` }).max(max, { error: `${what} is at most ${max}` });

const complianceSchema = z.object({
  unsubscribeBaseUrl: z.string().trim().regex(/^https?:\/\/\S+$/i, { error: SENDING_RULES.unsubscribeUrl }),
  secret: z.string().min(16, { error: SENDING_RULES.secret }),
  postalAddress: z.string().trim().min(1, { error: SENDING_RULES.postalAddress }),
  unsubscribeMailto: z.email({ error: SENDING_RULES.unsubscribeMailto }).optional(),
});

const limitsSchema = (n: LimitNames) =>
  z.object({
    ratePerMinute: whole(n.ratePerMinute, 10_000),
    dailyCap: whole(n.dailyCap, 1_000_000),
    window: z.string().trim().optional().transform((text, ctx) => {
      if (!text) return undefined;
      try {
        return parseSendWindow(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${n.window}: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
    maxRetries: whole(n.maxRetries, 100),
    bounceThreshold: z.number().min(0, { error: `${n.bounceThreshold} is a share between 0 and 1` }).max(1, { error: `${n.bounceThreshold} is a share between 0 and 1` }),
    bounceSample: whole(n.bounceSample, 100_000).min(1, { error: `${n.bounceSample} is at least 1 send` }),
  });

/** What the readers hand over: values as given (strings where the source has strings), checked by the schema. */
const inputSchema = (n: LimitNames) => z.object({
  live: z.boolean(),
  smtp: z.custom<SmtpSettings>().nullable(),
  /** Further mailboxes (a mailboxes file): each an SMTP account of its own. */
  mailboxes: z.array(z.custom<SmtpSettings>()).default([]),
  compliance: z.object({
    unsubscribeBaseUrl: z.string().default(''),
    secret: z.string().default(''),
    postalAddress: z.string().default(''),
    unsubscribeMailto: z.string().trim().optional().transform((v) => v || undefined),
  }),
  limits: limitsSchema(n),
  verificationPolicy: z.enum(VERIFICATION_POLICIES as [VerificationPolicy, ...VerificationPolicy[]], {
    error: `the verification policy must be one of ${VERIFICATION_POLICIES.join(', ')}`,
  }).optional(),
});

export type SendingInput = z.input<ReturnType<typeof inputSchema>>;

interface Common {
  sender: Sender;
  limits: SendLimits;
  maxRetries: number;
  verificationPolicy?: VerificationPolicy;
}

export type SendingConfig =
  /** Records what would be sent; compliance, when complete, is applied so a dry run's record matches the wire. */
  | (Common & { live: false; smtp: null; compliance?: Compliance })
  | (Common & {
      live: true;
      /** The primary mailbox: it sends the campaigns that name no mailboxes. */
      smtp: SmtpSettings;
      /** Every mailbox, the primary first; campaigns name theirs by address. */
      mailboxes: SmtpSettings[];
      compliance: Compliance;
      summary: string;
    });

/** Validate what a reader gathered; throws SendingConfigError naming every problem at once. */
export function sendingConfig(input: SendingInput, names: LimitNames = ENV_NAMES): SendingConfig {
  const parsed = inputSchema(names).safeParse(input);
  if (!parsed.success) throw new SendingConfigError(parsed.error.issues.map((i) => i.message).join('; '));
  const { live, limits: l, verificationPolicy } = parsed.data;
  // Without SMTP_* settings, a mailboxes file's first account is the primary.
  const smtp = parsed.data.smtp ?? parsed.data.mailboxes[0] ?? null;
  const mailboxes = smtp ? [smtp, ...parsed.data.mailboxes.filter((m) => m.from.email.toLowerCase() !== smtp.from.email.toLowerCase())] : [];
  const limits: SendLimits = {
    ratePerMinute: l.ratePerMinute,
    dailyCap: l.dailyCap,
    bounceThreshold: l.bounceThreshold,
    bounceSample: l.bounceSample,
    ...(l.window ? { window: l.window } : {}),
  };
  const common = { limits, maxRetries: l.maxRetries, ...(verificationPolicy ? { verificationPolicy } : {}) };
  const compliance = complianceSchema.safeParse(parsed.data.compliance);
  if (!live) {
    return { live: false, smtp: null, sender: DRY_RUN_SENDER, ...common, ...(compliance.success ? { compliance: compliance.data } : {}) };
  }
  const problems: string[] = [];
  if (!smtp) problems.push(SENDING_RULES.smtp);
  if (!compliance.success) {
    problems.push(`every live email carries a one-click unsubscribe link and a postal address: ${compliance.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length) {
    throw new SendingConfigError(`nothing was sent: ${problems.join('; ')}`);
  }
  return {
    live: true,
    smtp: smtp!,
    mailboxes,
    sender: smtp!.from,
    compliance: compliance.data!,
    ...common,
    summary: `${smtp!.host}:${smtp!.port} as ${smtp!.from.email}${mailboxes.length > 1 ? ` and ${mailboxes.length - 1} more mailbox${mailboxes.length > 2 ? 'es' : ''} (${mailboxes.slice(1).map((m) => m.from.email).join(', ')})` : ''}`,
  };
}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
}

/** Flags a CLI or a tool call sets on top of the environment. */
export interface SendingOverrides {
  live?: boolean;
  verificationPolicy?: VerificationPolicy;
}

/**
 * The config from the original design's environment names: SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD,
 * SMTP_FROM_EMAIL, SMTP_FROM_NAME; LEADFLOW_UNSUBSCRIBE_URL, LEADFLOW_SECRET, LEADFLOW_UNSUBSCRIBE_MAILTO,
 * SENDER_POSTAL_ADDRESS; RATE_LIMIT_PER_MINUTE, DAILY_SEND_CAP, SEND_WINDOW, MAX_RETRIES, BOUNCE_PAUSE_THRESHOLD,
 * BOUNCE_PAUSE_SAMPLE; LEADFLOW_VERIFY (deliverable-only | allow-risky); LEADFLOW_MAILBOXES (a file of further SMTP
 * accounts, mailboxes.ts). Live when asked, or with DRY_RUN_MODE=false.
 */
export function sendingConfigFromEnv(env: NodeJS.ProcessEnv = process.env, o: SendingOverrides = {}): SendingConfig {
  const live = o.live ?? env.DRY_RUN_MODE?.trim().toLowerCase() === 'false';
  let smtp: SmtpSettings | null = null;
  try {
    smtp = smtpSettingsFromEnv(env);
  } catch (err) {
    if (live) throw new SendingConfigError(`nothing was sent: ${(err as Error).message}`);
  }
  const verify = o.verificationPolicy ?? (env.LEADFLOW_VERIFY?.trim() || undefined);
  // Further mailboxes come from a file the user points at; read (and checked) for live sends only.
  const file = env.LEADFLOW_MAILBOXES?.trim();
  const mailboxes = live && file ? readMailboxesFile(file, env) : [];
  return sendingConfig({
    live,
    smtp,
    mailboxes,
    compliance: {
      unsubscribeBaseUrl: env.LEADFLOW_UNSUBSCRIBE_URL ?? '',
      secret: env.LEADFLOW_SECRET ?? '',
      postalAddress: env.SENDER_POSTAL_ADDRESS ?? '',
      unsubscribeMailto: env.LEADFLOW_UNSUBSCRIBE_MAILTO,
    },
    limits: {
      ratePerMinute: envNumber(env, 'RATE_LIMIT_PER_MINUTE') ?? DEFAULT_LIMITS.ratePerMinute,
      dailyCap: envNumber(env, 'DAILY_SEND_CAP') ?? DEFAULT_LIMITS.dailyCap,
      window: env.SEND_WINDOW,
      maxRetries: envNumber(env, 'MAX_RETRIES') ?? DEFAULT_MAX_RETRIES,
      bounceThreshold: envNumber(env, 'BOUNCE_PAUSE_THRESHOLD') ?? DEFAULT_LIMITS.bounceThreshold,
      bounceSample: envNumber(env, 'BOUNCE_PAUSE_SAMPLE') ?? DEFAULT_LIMITS.bounceSample,
    },
    verificationPolicy: verify as VerificationPolicy | undefined,
  });
}

/** The SMTP credential's fields as n8n hands them over (decrypted), and the node's parameters. */
export interface N8nSendingSource {
  live: boolean;
  /** The Leadflow SMTP credential, or null when none is attached. */
  credential: Record<string, unknown> | null;
  parameters: {
    ratePerMinute?: number;
    dailyCap?: number;
    sendWindow?: string;
    maxRetries?: number;
    bounceThreshold?: number;
    bounceSample?: number;
    verificationPolicy?: string;
    /** Older nodes kept these two on the node; the credential's own fields come first. */
    unsubscribeBaseUrl?: string;
    postalAddress?: string;
  };
  /** The fallback for settings older workflows kept in n8n's environment (LEADFLOW_SECRET and friends). */
  env?: NodeJS.ProcessEnv;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v).trim());

/** The SMTP credential as SmtpSettings; the credential's own words when a required field is empty. */
export function smtpSettingsFromCredential(c: Record<string, unknown>): SmtpSettings {
  const host = text(c.host);
  if (!host) throw new SendingConfigError('the Leadflow SMTP credential has no host: open it and fill in Host');
  const fromEmail = text(c.fromEmail);
  if (!fromEmail) throw new SendingConfigError('the Leadflow SMTP credential has no From Email: fill in the mailbox you send from');
  const port = Number(c.port ?? 587);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SendingConfigError(`the Leadflow SMTP credential's Port must be 1-65535, got "${String(c.port)}"`);
  const secure = c.secure === true;
  return {
    host,
    port,
    secure,
    // As n8n's own SMTP credential: Disable STARTTLS only means something on a connection that starts plain.
    disableStartTls: !secure && c.disableStartTls === true,
    clientHostName: text(c.hostName) || undefined,
    user: text(c.user) || undefined,
    password: typeof c.password === 'string' && c.password ? c.password : undefined,
    from: configuredSender(fromEmail, text(c.fromName)),
    allowSelfSigned: c.allowSelfSigned === true,
    timeoutMs: 15_000,
  };
}

export function sendingConfigFromN8n(s: N8nSendingSource): SendingConfig {
  const env = s.env ?? process.env;
  const c = s.credential ?? {};
  const p = s.parameters;
  let smtp: SmtpSettings | null = null;
  if (s.credential) smtp = smtpSettingsFromCredential(s.credential);
  else if (s.live) throw new SendingConfigError('nothing was sent: live sending needs a Leadflow SMTP credential: add one, or turn Dry Run back on');
  const first = (...vs: unknown[]) => vs.map(text).find((v) => v !== '') ?? '';
  return sendingConfig({
    live: s.live,
    smtp,
    compliance: {
      unsubscribeBaseUrl: first(c.unsubscribeUrl, p.unsubscribeBaseUrl, env.LEADFLOW_UNSUBSCRIBE_URL),
      // The secret is never trimmed: it is what signs, byte for byte.
      secret: (typeof c.unsubscribeSecret === 'string' && c.unsubscribeSecret) || env.LEADFLOW_SECRET || '',
      postalAddress: first(c.postalAddress, p.postalAddress, env.SENDER_POSTAL_ADDRESS),
      unsubscribeMailto: first(c.unsubscribeMailto, env.LEADFLOW_UNSUBSCRIBE_MAILTO) || undefined,
    },
    limits: {
      ratePerMinute: p.ratePerMinute ?? DEFAULT_LIMITS.ratePerMinute,
      dailyCap: p.dailyCap ?? DEFAULT_LIMITS.dailyCap,
      window: p.sendWindow,
      maxRetries: p.maxRetries ?? DEFAULT_MAX_RETRIES,
      bounceThreshold: p.bounceThreshold ?? DEFAULT_LIMITS.bounceThreshold,
      bounceSample: p.bounceSample ?? DEFAULT_LIMITS.bounceSample,
    },
    verificationPolicy: (text(p.verificationPolicy) || undefined) as VerificationPolicy | undefined,
  }, N8N_NAMES);
}
