/**
 * Where mail for a domain would go, per RFC 5321 §5.1: the MX hosts; when the domain has no MX records, its own
 * address (A/AAAA, the "implicit MX"); when it has neither, nowhere. A "null MX" (RFC 7505: one MX with an empty
 * exchange) says outright that the domain takes no mail. A lookup that failed (timeout, SERVFAIL, refused) proves
 * nothing about the mailbox, so it is reported apart from "no mail host".
 */
import { Resolver } from 'node:dns/promises';

/** The part of node:dns/promises' Resolver that verification uses; pass one pointed at your own DNS server. */
export interface MailHostResolver {
  resolveMx(domain: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4?(domain: string): Promise<string[]>;
  resolve6?(domain: string): Promise<string[]>;
}

export type MailHost =
  | { kind: 'mx'; hosts: string[] }
  | { kind: 'address'; hosts: string[] }
  | { kind: 'none'; detail: string }
  | { kind: 'null-mx' }
  | { kind: 'lookup-failed'; detail: string };

/** Answers that mean "this name has no such record" rather than "we could not find out". */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

export function defaultMailHostResolver(): MailHostResolver {
  return new Resolver();
}

export async function lookupMailHost(domain: string, resolver: MailHostResolver): Promise<MailHost> {
  let mx: { exchange: string; priority: number }[] = [];
  try {
    mx = await resolver.resolveMx(domain);
  } catch (err) {
    const code = codeOf(err);
    if (!ABSENT.has(code)) return { kind: 'lookup-failed', detail: `MX lookup for ${domain} failed (${code || (err as Error).message})` };
  }
  if (mx.length === 1 && (mx[0].exchange === '' || mx[0].exchange === '.')) return { kind: 'null-mx' };
  const exchanges = mx.filter((r) => r.exchange !== '' && r.exchange !== '.').sort((a, b) => a.priority - b.priority);
  if (exchanges.length) return { kind: 'mx', hosts: exchanges.map((r) => r.exchange) };

  // No MX: RFC 5321 §5.1 says to treat the domain's own address as the mail host.
  const failures: string[] = [];
  for (const lookup of [resolver.resolve4, resolver.resolve6]) {
    if (!lookup) continue;
    try {
      const addresses = await lookup.call(resolver, domain);
      if (addresses.length) return { kind: 'address', hosts: addresses };
    } catch (err) {
      const code = codeOf(err);
      if (!ABSENT.has(code)) failures.push(code || (err as Error).message);
    }
  }
  if (failures.length) return { kind: 'lookup-failed', detail: `address lookup for ${domain} failed (${failures.join(', ')})` };
  return { kind: 'none', detail: `${domain} has no MX record and no A/AAAA address` };
}

function codeOf(err: unknown): string {
  return typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
}
