/**
 * DKIM (RFC 6376) for the sender doctor. A DKIM key lives at `<selector>._domainkey.<domain>` and the selector is
 * whatever the mail provider chose, so the doctor tries the common ones (Google Workspace, Microsoft 365, Mailchimp,
 * SendGrid, Amazon SES-style names…) plus any the caller names. It reports which selectors carry a key, revoked
 * keys (empty p=), and RSA keys shorter than 1024 bits (which Gmail treats as unsigned).
 */
import type { Finding } from './doctorFinding';
import { txtRecords, type DoctorResolver } from './doctorTxt';

export const COMMON_DKIM_SELECTORS = [
  'google', 'selector1', 'selector2', 'default', 'k1', 'k2', 's1', 's2', 'mail', 'dkim', 'mxvault', 'smtp', 'email',
  'everlytickey1', 'mandrill', 'pm', 'zoho', 'protonmail', 'fm1', 'sig1',
];

export interface DkimKey {
  selector: string;
  record: string;
}

/** 1024-bit RSA SubjectPublicKeyInfo is 162 bytes; anything shorter is a weaker key. */
const MIN_RSA_KEY_BYTES = 162;

export async function checkDkim(domain: string, resolver: DoctorResolver, extraSelectors: string[] = []): Promise<{ findings: Finding[]; keys: DkimKey[] }> {
  const selectors = [...new Set([...extraSelectors, ...COMMON_DKIM_SELECTORS].map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const answers = await Promise.all(selectors.map(async (selector) => ({ selector, answer: await txtRecords(resolver, `${selector}._domainkey.${domain}`) })));
  const keys: DkimKey[] = [];
  const failed: string[] = [];
  for (const { selector, answer } of answers) {
    if (!answer.ok) failed.push(selector);
    else {
      const record = answer.records.find((r) => /(^|;)\s*(v=DKIM1|p=)/i.test(r));
      if (record) keys.push({ selector, record });
    }
  }
  const findings: Finding[] = [];
  const live = keys.filter((k) => tagOf(k.record, 'p') !== '');
  for (const k of keys.filter((key) => tagOf(key.record, 'p') === '')) {
    findings.push({ check: 'dkim', severity: 'warning', message: `the DKIM key at selector "${k.selector}" is revoked (empty p=)`, fix: 'if mail is still signed with this selector, publish its current public key; otherwise delete the record' });
  }
  for (const k of live) {
    const keyType = (tagOf(k.record, 'k') ?? 'rsa').toLowerCase();
    const bytes = Buffer.from(tagOf(k.record, 'p') ?? '', 'base64').length;
    if (keyType === 'rsa' && bytes < MIN_RSA_KEY_BYTES) {
      findings.push({ check: 'dkim', severity: 'warning', message: `the DKIM key at selector "${k.selector}" is shorter than 1024 bits`, fix: 'rotate to a 2048-bit key at your mail provider and publish it' });
    }
  }
  if (live.length) {
    findings.unshift({ check: 'dkim', severity: 'ok', message: `DKIM key(s) found at selector(s): ${live.map((k) => k.selector).join(', ')}` });
  } else {
    findings.push({
      check: 'dkim',
      severity: failed.length === selectors.length ? 'warning' : 'error',
      ...(failed.length === selectors.length ? { unchecked: true } : {}),
      message: failed.length === selectors.length
        ? `every DKIM lookup for ${domain} failed, so DKIM could not be checked`
        : `no DKIM key found for ${domain} at the ${selectors.length} common selectors: Gmail and Yahoo require DKIM for bulk senders`,
      fix: 'turn on DKIM signing at your mail provider and publish the TXT record it gives you; if you already sign with a custom selector, run again with --dkim-selector <name>',
    });
  }
  return { findings, keys };
}

/** The value of one tag in a "tag=value; tag=value" record, or null when absent. */
export function tagOf(record: string, tag: string): string | null {
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().toLowerCase() === tag) return part.slice(eq + 1).replace(/\s+/g, '');
  }
  return null;
}
