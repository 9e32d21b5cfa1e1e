/**
 * Whether an address's domain is a disposable (throwaway) mail service, from the community-maintained
 * `disposable-email-domains` list. A subdomain of a listed domain counts too. The list (~120k names) is loaded
 * on first use, not at import, so code that never verifies never pays for it.
 */
let listed: Set<string> | null = null;

function disposableDomains(): Set<string> {
  // Loaded on first use: the list is large, and most runs never verify anyone.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  listed ??= new Set((require('disposable-email-domains') as string[]).map((d) => d.toLowerCase()));
  return listed;
}

export function isDisposableDomain(domain: string): boolean {
  const set = disposableDomains();
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    if (set.has(labels.slice(i).join('.'))) return true;
  }
  return false;
}
