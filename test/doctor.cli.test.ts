import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDnsServer, type DnsServer } from './support/dnsServer';
import { SENDER_ZONE } from './support/senderZone';
import { leadflowAwait } from './support/cli';

let dns: DnsServer;
before(async () => {
  dns = await startDnsServer(SENDER_ZONE);
});
after(() => dns.close());

test('leadflow doctor on a well set-up domain prints every check and exits 0', async () => {
  const r = await leadflowAwait(['doctor', 'good-sender.com', '--dns-server', dns.address]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Sender doctor — good-sender\.com/);
  assert.match(r.stdout, / OK +spf/);
  assert.match(r.stdout, / OK +dkim .*google/);
  assert.match(r.stdout, / OK +dmarc/);
  assert.match(r.stdout, /No errors: good-sender\.com meets the DNS side of the bulk-sender rules/);
});

test('leadflow doctor exits 1 and prints the fix when DMARC is missing', async () => {
  const r = await leadflowAwait(['doctor', 'no-dmarc.com', '--dns-server', dns.address]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /FAIL {2}dmarc +no-dmarc\.com has no DMARC record/);
  assert.match(r.stdout, /fix: publish a TXT record at _dmarc\.no-dmarc\.com/);
  assert.match(r.stdout, /1 error\(s\) to fix/);
});

test('leadflow doctor --json prints the report as JSON, custom selectors included', async () => {
  const r = await leadflowAwait(['doctor', 'no-dkim.com', '--json', '--dns-server', dns.address, '--dkim-selector', 'brandx']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.domain, 'no-dkim.com');
  assert.equal(report.ok, true);
  assert.deepEqual(report.records.dkim.map((k: { selector: string }) => k.selector), ['brandx']);
});

test('leadflow doctor refuses a bad domain and a bad --dns-server with exit code 2 and what to pass', async () => {
  const bad = await leadflowAwait(['doctor', 'not_a_domain', '--dns-server', dns.address]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not a domain name: pass the domain you send from/);
  const server = await leadflowAwait(['doctor', 'good-sender.com', '--dns-server', 'dns.google']);
  assert.equal(server.code, 2);
  assert.match(server.stderr, /--dns-server.*host:port or an IP address/);
});
