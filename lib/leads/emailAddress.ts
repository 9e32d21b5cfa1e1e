/**
 * What leadflow accepts as an email address: the dot-atom form of RFC 5322 (no quoted locals, no comments,
 * no IP-literal domains), with a domain of at least two DNS labels, and without the old relay forms
 * (`user%host@relay`, `host!user@relay`) that ask the receiving server to pass the mail on to another host. That is
 * stricter than the RFC and looser than any provider, which is where a B2B sender wants to be: every address it
 * accepts can be put on the wire, and reaches the mailbox it names.
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

// `%` (the "percent hack") and `!` (UUCP bang paths) are legal atom characters, but a server that still honours them
// relays the message to the host they name: a lead imported as boss%rival.example@open-relay.example is mail to
// rival.example, past every check made on the address.
const RELAY_MARK = /[%!]/;

/** Whether a normalized address (see normalizeEmail) is one we can send to. */
export function isEmailAddress(email: string): boolean {
  return emailAddressProblem(email) === null;
}

/**
 * Why a normalized address is not one we can send to, as the end of a sentence ("is not an email address", "uses
 * the old relay form …"), or null when it is one.
 */
export function emailAddressProblem(email: string): string | null {
  const notAnAddress = 'is not an email address';
  if (email.length > 254) return notAnAddress;
  const at = email.lastIndexOf('@');
  if (at < 1 || at > 64) return notAnAddress;
  const local = email.slice(0, at);
  if (!LOCAL_PART.test(local)) return notAnAddress;
  const labels = email.slice(at + 1).split('.');
  if (labels.length < 2) return notAnAddress;
  if (!TOP_LEVEL.test(labels[labels.length - 1])) return notAnAddress;
  if (!labels.every((label) => DNS_LABEL.test(label))) return notAnAddress;
  if (RELAY_MARK.test(local)) {
    return 'uses the old relay form (% or ! before the @), which asks a server to pass the mail on to another host; leadflow does not send to such addresses';
  }
  return null;
}
