/**
 * Domains that can never receive mail for a real person: the TLDs reserved by RFC 2606 / RFC 6761 and the
 * example second-level domains. Leads on them are synthetic by definition, and the live sender refuses them.
 */

const RESERVED_TLDS = new Set(['example', 'test', 'invalid', 'localhost']);
const RESERVED_SECOND_LEVEL = ['example.com', 'example.net', 'example.org'];

/** True when the host of an email address, URL or bare hostname is reserved (e.g. "x@acme.example"). */
export function isReservedDomain(emailOrHost: string): boolean {
  const host = hostOf(emailOrHost);
  if (host === '') return false;
  const tld = host.slice(host.lastIndexOf('.') + 1);
  if (RESERVED_TLDS.has(tld)) return true;
  return RESERVED_SECOND_LEVEL.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

function hostOf(emailOrHost: string): string {
  let text = emailOrHost.trim().toLowerCase();
  if (text.includes('://')) {
    try {
      text = new URL(text).hostname;
    } catch {
      return '';
    }
  }
  text = text.slice(text.lastIndexOf('@') + 1);
  // "acme.example." is the same host written as a fully qualified name.
  return text.endsWith('.') ? text.slice(0, -1) : text;
}
