/**
 * TXT lookups for the sender doctor: each record's character-strings joined into one string (RFC 7208 §3.3, RFC
 * 6376 §3.6.2.2: a long record is split in 255-byte chunks on the wire and means the chunks concatenated), and
 * "no such record" told apart from "the lookup failed" — only the first is something the domain owner must fix.
 */
export interface DoctorResolver {
  resolveTxt(name: string): Promise<string[][]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4?(name: string): Promise<string[]>;
  resolve6?(name: string): Promise<string[]>;
}

export type TxtAnswer = { ok: true; records: string[] } | { ok: false; detail: string };

const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

export async function txtRecords(resolver: DoctorResolver, name: string): Promise<TxtAnswer> {
  try {
    return { ok: true, records: (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')) };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (ABSENT.has(code)) return { ok: true, records: [] };
    return { ok: false, detail: `the TXT lookup for ${name} failed (${code || (err as Error).message})` };
  }
}
