/**
 * DMARC (RFC 7489) for the sender doctor: one `v=DMARC1` record at `_dmarc.<domain>` with a policy (p=none is the
 * minimum Gmail and Yahoo require of bulk senders; quarantine or reject is the goal) and a rua= address, without
 * which nobody sees the reports that say whether moving past p=none is safe.
 */
import type { Finding } from './doctorFinding';
import { txtRecords, type DoctorResolver } from './doctorTxt';
import { tagOf } from './doctorDkim';

const POLICIES = new Set(['none', 'quarantine', 'reject']);

export async function checkDmarc(domain: string, resolver: DoctorResolver): Promise<{ findings: Finding[]; records: string[] }> {
  const name = `_dmarc.${domain}`;
  const publish = `publish a TXT record at ${name}: "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}"`;
  const answer = await txtRecords(resolver, name);
  if (!answer.ok) return { records: [], findings: [{ check: 'dmarc', severity: 'warning', unchecked: true, message: answer.detail, fix: 'run the doctor again; if it keeps failing, check the domain\'s DNS hosting' }] };
  const records = answer.records.filter((r) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(r.trim()));
  if (records.length === 0) {
    return { records, findings: [{ check: 'dmarc', severity: 'error', message: `${domain} has no DMARC record: Gmail and Yahoo require one (at least p=none) from bulk senders`, fix: publish }] };
  }
  if (records.length > 1) {
    return { records, findings: [{ check: 'dmarc', severity: 'error', message: `${name} has ${records.length} DMARC records; receivers then ignore DMARC altogether`, fix: 'keep exactly one "v=DMARC1; …" record and delete the others' }] };
  }
  const record = records[0];
  const policy = (tagOf(record, 'p') ?? '').toLowerCase();
  const findings: Finding[] = [];
  if (!POLICIES.has(policy)) {
    findings.push({ check: 'dmarc', severity: 'error', message: `the DMARC record has ${policy ? `an unknown policy "p=${policy}"` : 'no policy (p=)'}, so receivers ignore it`, fix: 'add "p=none" right after "v=DMARC1;" (then quarantine or reject once reports look clean)' });
  } else if (policy === 'none') {
    findings.push({ check: 'dmarc', severity: 'info', message: 'DMARC policy is p=none: meets the bulk-sender minimum, but asks receivers to do nothing with mail that fails', fix: 'once the aggregate reports show all your real mail passing, move to p=quarantine, then p=reject' });
  }
  if (!tagOf(record, 'rua')) {
    findings.push({ check: 'dmarc', severity: 'warning', message: 'the DMARC record has no rua= address, so no aggregate reports reach you', fix: `add "rua=mailto:dmarc-reports@${domain}" (or your DMARC report service's address)` });
  }
  const pct = tagOf(record, 'pct');
  if (pct !== null && Number(pct) < 100 && policy !== 'none') {
    findings.push({ check: 'dmarc', severity: 'info', message: `the DMARC policy applies to only pct=${pct}% of failing mail`, fix: 'raise pct to 100 (or drop the tag) once you are confident' });
  }
  if (!findings.some((f) => f.severity === 'error' || f.severity === 'warning')) {
    findings.unshift({ check: 'dmarc', severity: 'ok', message: `one DMARC record, p=${policy}, reports to ${tagOf(record, 'rua')}` });
  }
  return { records, findings };
}
