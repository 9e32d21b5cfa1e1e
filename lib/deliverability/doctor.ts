/**
 * `doctor(domain)`: is this domain set up to send cold email that lands? Checks SPF, DKIM (common selectors),
 * DMARC and MX through DNS, and answers in the terms of the Gmail and Yahoo bulk-sender rules (2024): SPF and DKIM
 * both, DMARC at least p=none with the From: domain aligned, one-click unsubscribe, and a spam rate under 0.3%.
 * Every finding carries a severity and a fix in plain words. It only reads DNS: nothing is sent.
 */
import { LeadflowError } from '../errors';
import { Resolver } from 'node:dns/promises';
import { lookupMailHost } from './verifyMailHost';
import type { Finding, Severity } from './doctorFinding';
import type { DoctorResolver } from './doctorTxt';
import { checkSpf } from './doctorSpf';
import { checkDkim, type DkimKey } from './doctorDkim';
import { checkDmarc } from './doctorDmarc';

export type { Finding, Severity, DoctorCheck } from './doctorFinding';
export type { DoctorResolver } from './doctorTxt';
export { COMMON_DKIM_SELECTORS } from './doctorDkim';

export interface DoctorOptions {
  /** Defaults to a node:dns/promises Resolver on the system's DNS servers. */
  resolver?: DoctorResolver;
  /** Selectors to try before the common ones (your provider's, if it is not a common one). */
  dkimSelectors?: string[];
}

export interface DoctorReport {
  domain: string;
  /** True when every check could be made and none is an error: the domain meets the DNS side of the bulk-sender rules. */
  ok: boolean;
  /** Checks DNS could not answer (timeouts, SERVFAIL): they prove nothing either way. */
  unchecked: number;
  counts: Record<Severity, number>;
  findings: Finding[];
  records: { spf: string[]; dmarc: string[]; dkim: DkimKey[]; mx: string[] };
}

export class DoctorInputError extends LeadflowError {
  constructor(message: string) {
    super('input', message);
    this.name = 'DoctorInputError';
  }
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The domain to check: "acme.com", "ACME.com.", or an address at it ("jo@acme.com"). */
export function sendingDomain(raw: string): string {
  const text = raw.trim().toLowerCase();
  const domain = text.slice(text.lastIndexOf('@') + 1).replace(/\.$/, '');
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) {
    throw new DoctorInputError(`"${raw}" is not a domain name: pass the domain you send from, e.g. acme.com`);
  }
  return domain;
}

export async function doctor(rawDomain: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  const domain = sendingDomain(rawDomain);
  const resolver = options.resolver ?? new Resolver();
  const [spf, dkim, dmarc, mailHost] = await Promise.all([
    checkSpf(domain, resolver),
    checkDkim(domain, resolver, options.dkimSelectors),
    checkDmarc(domain, resolver),
    lookupMailHost(domain, resolver),
  ]);

  const mx: Finding[] = [];
  if (mailHost.kind === 'mx') mx.push({ check: 'mx', severity: 'ok', message: `mail for ${domain} goes to ${mailHost.hosts.join(', ')}` });
  else if (mailHost.kind === 'address') mx.push({ check: 'mx', severity: 'info', message: `${domain} has no MX record; mail falls back to its A/AAAA address`, fix: 'publish an MX record pointing at your mail provider so replies and bounces arrive reliably' });
  else if (mailHost.kind === 'lookup-failed') mx.push({ check: 'mx', severity: 'warning', unchecked: true, message: mailHost.detail, fix: 'run the doctor again; if it keeps failing, check the domain\'s DNS hosting' });
  else mx.push({ check: 'mx', severity: 'warning', message: `${domain} accepts no mail (${mailHost.kind === 'null-mx' ? 'null MX' : 'no MX and no address'}): replies to your outreach and bounces cannot reach you`, fix: 'send from a domain that receives mail, or publish an MX record for this one' });

  const bulk: Finding[] = [
    { check: 'bulk-sender', severity: 'info', message: 'DMARC alignment: the From: domain must be the domain SPF or DKIM authenticates (or a subdomain of it, under relaxed alignment)', fix: `send From: an address at ${domain}, signed with a DKIM key of ${domain}, through a server its SPF record lists` },
    { check: 'bulk-sender', severity: 'info', message: 'one-click unsubscribe (RFC 8058) is required for marketing mail: leadflow adds List-Unsubscribe and List-Unsubscribe-Post to every live email and refuses to send live without them', fix: 'set LEADFLOW_UNSUBSCRIBE_URL (a public URL of the status page\'s /unsubscribe) and LEADFLOW_SECRET before sending live' },
    { check: 'bulk-sender', severity: 'info', message: 'keep the spam-complaint rate under 0.3% (aim for under 0.1%), as reported in Google Postmaster Tools', fix: 'register the domain in Google Postmaster Tools and watch it; send fewer, better-targeted emails if it climbs' },
  ];

  const findings = [...spf.findings, ...dkim.findings, ...dmarc.findings, ...mx, ...bulk];
  const counts: Record<Severity, number> = { ok: 0, info: 0, warning: 0, error: 0 };
  for (const f of findings) counts[f.severity]++;
  const unchecked = findings.filter((f) => f.unchecked).length;
  return {
    domain,
    ok: counts.error === 0 && unchecked === 0,
    unchecked,
    counts,
    findings,
    records: { spf: spf.records, dmarc: dmarc.records, dkim: dkim.keys, mx: mailHost.kind === 'mx' ? mailHost.hosts : [] },
  };
}
