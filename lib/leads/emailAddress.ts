/**
 * What leadflow accepts as an email address: the dot-atom form of RFC 5322 (no quoted locals, no comments,
 * no IP-literal domains), with a domain of at least two DNS labels. That is stricter than the RFC and looser
 * than any provider, which is where a B2B sender wants to be: every address it accepts can be put on the wire.
 */

import { domainToASCII } from 'node:url';

const ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * The address trimmed and lowercased, with an internationalised domain in its ASCII (punycode) form, so that
 * "Bob@Müller.DE" and "bob@xn--mller-kva.de" are recognised as the same address.
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  const domain = email.slice(at + 1);
  if (/^[\x00-\x7f]*$/.test(domain)) return email;
  const ascii = domainToASCII(domain);
  return ascii ? `${email.slice(0, at)}@${ascii}` : email;
}

/** Whether a normalized address (see normalizeEmail) is one we can send to. */
export function isEmailAddress(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  if (!LOCAL_PART.test(email.slice(0, at))) return false;
  const labels = email.slice(at + 1).split('.');
  if (labels.length < 2) return false;
  if (!TOP_LEVEL.test(labels[labels.length - 1])) return false;
  return labels.every((label) => DNS_LABEL.test(label));
}
