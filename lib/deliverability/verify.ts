/**
 * `verifyRecipient`: whether an address is worth a first email, without sending one. Checks, in order of cost:
 *   syntax     — the address is one leadflow can put on the wire (emailAddress.ts);
 *   reserved   — .example/.test/.invalid/.localhost never reach DNS: a synthetic lead, undeliverable;
 *   disposable — a throwaway-mail domain: undeliverable. The mailbox may exist, but nobody buys from a burner
 *                address, and throwaway domains are where spam traps live; a miss here costs nothing, a send costs
 *                sender reputation;
 *   mx         — a mail host exists (MX, else A/AAAA per RFC 5321 §5.1): none, or a null MX → undeliverable;
 *                a lookup that timed out or failed → risky (it proves nothing about the mailbox);
 *   role       — info@, sales@, noreply@…: risky (a team inbox, often a list, more often reported as spam).
 * No SMTP probe (RCPT TO): providers treat it as abuse and many accept every address anyway.
 */
import { normalizeEmail, isEmailAddress } from '../leads/emailAddress';
import { isReservedDomain } from '../leads/reservedDomains';
import { isDisposableDomain } from './verifyDisposable';
import { isRoleAccount } from './verifyRole';
import { lookupMailHost, defaultMailHostResolver, type MailHost, type MailHostResolver } from './verifyMailHost';

export type Verdict = 'deliverable' | 'risky' | 'undeliverable';
export const VERDICTS: readonly Verdict[] = ['deliverable', 'risky', 'undeliverable'];

export type MxCheck = 'found' | 'address-only' | 'none' | 'null-mx' | 'lookup-failed' | 'skipped';

export interface RecipientVerification {
  email: string;
  verdict: Verdict;
  checks: { syntax: boolean; mx: MxCheck; disposable: boolean; role: boolean };
  /** One plain sentence per finding that lowered the verdict (empty when deliverable). */
  reasons: string[];
}

export interface VerifyOptions {
  /** Defaults to a node:dns/promises Resolver on the system's DNS servers. */
  resolver?: MailHostResolver;
  /** Mail-host answers per domain; share one map across calls to look each domain up once. */
  mailHostCache?: Map<string, Promise<MailHost>>;
}

export const RESERVED_REASON = 'reserved domain (synthetic lead)';

export async function verifyRecipient(rawEmail: string, options: VerifyOptions = {}): Promise<RecipientVerification> {
  const email = normalizeEmail(rawEmail);
  const checks: RecipientVerification['checks'] = { syntax: isEmailAddress(email), mx: 'skipped', disposable: false, role: false };
  const done = (verdict: Verdict, reasons: string[]): RecipientVerification => ({ email, verdict, checks, reasons });

  if (!checks.syntax) return done('undeliverable', ['not a valid email address']);
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (isReservedDomain(domain)) return done('undeliverable', [RESERVED_REASON]);
  checks.role = isRoleAccount(email);
  checks.disposable = isDisposableDomain(domain);
  if (checks.disposable) return done('undeliverable', [`${domain} is a disposable (throwaway) mail domain`]);

  const cache = options.mailHostCache ?? new Map<string, Promise<MailHost>>();
  let pending = cache.get(domain);
  if (!pending) {
    pending = lookupMailHost(domain, options.resolver ?? defaultMailHostResolver());
    cache.set(domain, pending);
  }
  const host = await pending;
  const reasons: string[] = [];
  let verdict: Verdict = 'deliverable';
  switch (host.kind) {
    case 'mx':
      checks.mx = 'found';
      break;
    case 'address':
      checks.mx = 'address-only';
      break;
    case 'null-mx':
      checks.mx = 'null-mx';
      return done('undeliverable', [`${domain} publishes a null MX: it accepts no email`]);
    case 'none':
      checks.mx = 'none';
      return done('undeliverable', [host.detail]);
    case 'lookup-failed':
      checks.mx = 'lookup-failed';
      verdict = 'risky';
      reasons.push(`${host.detail}; try again later`);
      break;
  }
  if (checks.role) {
    verdict = 'risky';
    reasons.push(`${email.slice(0, email.lastIndexOf('@'))}@ is a role account (a team inbox, not a person)`);
  }
  return done(verdict, reasons);
}

export type VerificationPolicy = 'deliverable-only' | 'allow-risky';
export const VERIFICATION_POLICIES: readonly VerificationPolicy[] = ['deliverable-only', 'allow-risky'];

/**
 * Whether the sender may send a first email to a lead with this verdict. An unverified lead (no verdict) is not
 * allowed under either policy: verify first (`leadflow verify`).
 */
export function verificationPolicyAllows(verdict: Verdict | null | undefined, policy: VerificationPolicy): boolean {
  if (verdict === 'deliverable') return true;
  if (verdict === 'risky') return policy === 'allow-risky';
  return false;
}
