/**
 * SPF (RFC 7208) for the sender doctor: exactly one `v=spf1` record; it must end in `~all` or `-all` (`+all` lets
 * anyone send as you, `?all` says nothing); and evaluating it may take at most 10 DNS-querying terms (include, a,
 * mx, ptr, exists, redirect — counted through every include, §4.6.4), or receivers give up with a permerror.
 */
import type { Finding } from './doctorFinding';
import { txtRecords, type DoctorResolver } from './doctorTxt';

const LOOKUP_LIMIT = 10;
const SPF_PREFIX = /^v=spf1(\s|$)/i;

export async function checkSpf(domain: string, resolver: DoctorResolver): Promise<{ findings: Finding[]; records: string[] }> {
  const answer = await txtRecords(resolver, domain);
  if (!answer.ok) return { records: [], findings: [{ check: 'spf', severity: 'warning', unchecked: true, message: answer.detail, fix: 'run the doctor again; if it keeps failing, check the domain\'s DNS hosting' }] };
  const records = answer.records.filter((r) => SPF_PREFIX.test(r.trim()));
  if (records.length === 0) {
    return { records, findings: [{ check: 'spf', severity: 'error', message: `${domain} has no SPF record: Gmail and Yahoo reject or junk unauthenticated bulk mail`, fix: `publish one TXT record on ${domain}: "v=spf1 include:<your mail provider's SPF domain> ~all"` }] };
  }
  if (records.length > 1) {
    return { records, findings: [{ check: 'spf', severity: 'error', message: `${domain} has ${records.length} SPF records; receivers treat more than one as a permanent error (no SPF at all)`, fix: 'merge them into a single "v=spf1 … ~all" record (keep every include in the one record) and delete the others' }] };
  }
  const findings: Finding[] = [];
  const terms = records[0].trim().split(/\s+/).slice(1);
  const all = terms.find((t) => /^[+?~-]?all$/i.test(t));
  const redirect = terms.find((t) => /^redirect=/i.test(t));
  if (all && (all === 'all' || all.startsWith('+'))) {
    findings.push({ check: 'spf', severity: 'error', message: `the SPF record ends in "${all}": it authorises every server on the internet to send as ${domain}`, fix: 'end it with "~all" (soft fail) or "-all" (fail) instead' });
  } else if (all?.startsWith('?')) {
    findings.push({ check: 'spf', severity: 'warning', message: 'the SPF record ends in "?all" (neutral): it says nothing about servers not listed', fix: 'end it with "~all" or "-all"' });
  } else if (!all && !redirect) {
    findings.push({ check: 'spf', severity: 'warning', message: 'the SPF record has no "all" term, so unlisted servers get a neutral result', fix: 'end it with "~all" or "-all"' });
  }
  if (terms.some((t) => /^[+?~-]?ptr(:|$)/i.test(t))) {
    findings.push({ check: 'spf', severity: 'warning', message: 'the SPF record uses "ptr", which RFC 7208 says not to use (slow, and some receivers skip it)', fix: 'replace "ptr" with the ip4:/ip6: ranges or include: of your sending servers' });
  }
  const lookups = await countLookups(records[0], resolver, new Set([domain.toLowerCase()]), 0);
  if (lookups > LOOKUP_LIMIT) {
    findings.push({ check: 'spf', severity: 'error', message: `evaluating the SPF record takes ${lookups} DNS lookups; the limit is ${LOOKUP_LIMIT}, past it receivers return a permanent error`, fix: 'remove includes you no longer send through, or replace some with the ip4:/ip6: ranges they stand for' });
  }
  if (!findings.some((f) => f.severity === 'error' || f.severity === 'warning')) {
    findings.unshift({ check: 'spf', severity: 'ok', message: `one SPF record, ending in "${all ?? redirect}", ${lookups} DNS lookup(s) of ${LOOKUP_LIMIT}` });
  }
  return { records, findings };
}

/** DNS-querying terms in a record, followed through include: and redirect= (each domain counted once, depth ≤ 10). */
async function countLookups(record: string, resolver: DoctorResolver, seen: Set<string>, depth: number): Promise<number> {
  let count = 0;
  for (const term of record.trim().split(/\s+/).slice(1)) {
    const mechanism = /^[+?~-]?(include|a|mx|ptr|exists)(?=$|[:/])/i.exec(term);
    const redirect = /^redirect=(.+)$/i.exec(term);
    if (!mechanism && !redirect) continue;
    count++;
    const target = redirect?.[1] ?? (mechanism?.[1].toLowerCase() === 'include' ? term.slice(term.indexOf(':') + 1) : null);
    if (!target || depth >= LOOKUP_LIMIT || seen.has(target.toLowerCase())) continue;
    seen.add(target.toLowerCase());
    const answer = await txtRecords(resolver, target);
    const nested = answer.ok ? answer.records.find((r) => SPF_PREFIX.test(r.trim())) : undefined;
    if (nested) count += await countLookups(nested, resolver, seen, depth + 1);
  }
  return count;
}
