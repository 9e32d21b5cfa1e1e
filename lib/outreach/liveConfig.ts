/**
 * Live sending settings from the environment, for the CLI, the MCP server and the status page (n8n takes them from
 * its credential and node parameters instead). The original design's names are honoured so an old `.env` works:
 * SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM_EMAIL, SMTP_FROM_NAME (who sends and signs; the
 * address's local part without it), RATE_LIMIT_PER_MINUTE (0 turns it off),
 * MAX_RETRIES; plus what every live email must carry: LEADFLOW_UNSUBSCRIBE_URL, LEADFLOW_SECRET,
 * SENDER_POSTAL_ADDRESS. Never reports a secret.
 */
import { smtpSettingsFromEnv, type SmtpSettings } from './smtp';
import { DEFAULT_LIMITS, parseSendWindow, type SendLimits } from './limits';
import type { Compliance } from './send';

export type LiveConfig =
  | { ready: true; settings: SmtpSettings; compliance: Compliance; limits: SendLimits; maxRetries: number; summary: string }
  | { ready: false; reason: string };

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** The sending limits: DEFAULT_LIMITS, overridden by RATE_LIMIT_PER_MINUTE, DAILY_SEND_CAP and SEND_WINDOW. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): SendLimits {
  return {
    ...DEFAULT_LIMITS,
    ratePerMinute: wholeNumber(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_LIMITS.ratePerMinute),
    dailyCap: wholeNumber(env, 'DAILY_SEND_CAP', DEFAULT_LIMITS.dailyCap),
    window: env.SEND_WINDOW?.trim() ? parseSendWindow(env.SEND_WINDOW) : undefined,
  };
}

/** Whether live email can go out, and with what; `reason` says exactly which settings are missing. */
export function liveConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LiveConfig {
  let settings: SmtpSettings | null;
  let limits: SendLimits;
  let maxRetries: number;
  try {
    settings = smtpSettingsFromEnv(env);
    limits = limitsFromEnv(env);
    maxRetries = wholeNumber(env, 'MAX_RETRIES', 2);
  } catch (err) {
    return { ready: false, reason: (err as Error).message };
  }
  if (!settings) {
    return {
      ready: false,
      reason:
        'live sending needs SMTP settings and SMTP_HOST is not set: set SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD and ' +
        'SMTP_FROM_EMAIL (dry runs need none of this)',
    };
  }
  const missing: string[] = [];
  const unsubscribeBaseUrl = env.LEADFLOW_UNSUBSCRIBE_URL?.trim() ?? '';
  const secret = env.LEADFLOW_SECRET ?? '';
  const postalAddress = env.SENDER_POSTAL_ADDRESS?.trim() ?? '';
  if (!/^https?:\/\/\S+$/i.test(unsubscribeBaseUrl)) {
    missing.push("LEADFLOW_UNSUBSCRIBE_URL (the public URL of the unsubscribe endpoint, e.g. the status page's /unsubscribe)");
  }
  if (secret.length < 16) missing.push('LEADFLOW_SECRET (at least 16 characters, e.g. `openssl rand -hex 32`)');
  if (!postalAddress) missing.push("SENDER_POSTAL_ADDRESS (the sender's postal address, required in every commercial email)");
  if (missing.length) {
    return { ready: false, reason: `every live email carries a one-click unsubscribe link and a postal address; set ${missing.join(', ')}` };
  }
  return {
    ready: true,
    settings,
    compliance: { unsubscribeBaseUrl, secret, postalAddress, unsubscribeMailto: env.LEADFLOW_UNSUBSCRIBE_MAILTO?.trim() || undefined },
    limits,
    maxRetries,
    summary: `${settings.host}:${settings.port} as ${settings.from.email}`,
  };
}
