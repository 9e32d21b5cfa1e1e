/**
 * A scripted DNS zone of sending domains for the sender-doctor tests: one set up right, and one for each common
 * mistake. The DKIM key is a real 2048-bit RSA public key, split into 255-byte character-strings as DNS carries it.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Zone } from './dnsServer';

const spki = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const dkimRecord = `v=DKIM1; k=rsa; p=${spki}`;
const DKIM: string[] = [];
for (let i = 0; i < dkimRecord.length; i += 255) DKIM.push(dkimRecord.slice(i, i + 255));

const MX = [{ exchange: 'mx.mailhost.net', priority: 10 }];
const SPF = 'v=spf1 include:_spf.mailhost.net ~all';
const DMARC = 'v=DMARC1; p=quarantine; rua=mailto:dmarc@mailhost.net';

export const SENDER_ZONE: Zone = {
  '_spf.mailhost.net': { TXT: ['v=spf1 ip4:198.51.100.0/24 include:_spf2.mailhost.net -all'] },
  '_spf2.mailhost.net': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },

  'good-sender.com': { MX, TXT: ['google-site-verification=abc123', SPF] },
  'google._domainkey.good-sender.com': { TXT: [DKIM] },
  '_dmarc.good-sender.com': { TXT: [DMARC] },

  'no-dmarc.com': { MX, TXT: [SPF] },
  'google._domainkey.no-dmarc.com': { TXT: [DKIM] },

  'open-spf.com': { MX, TXT: ['v=spf1 +all'] },
  'selector1._domainkey.open-spf.com': { TXT: [DKIM] },
  '_dmarc.open-spf.com': { TXT: [DMARC] },

  'two-spf.com': { MX, TXT: [SPF, 'v=spf1 include:_spf2.mailhost.net -all'] },
  'google._domainkey.two-spf.com': { TXT: [DKIM] },
  '_dmarc.two-spf.com': { TXT: [DMARC] },

  'no-dkim.com': { MX, TXT: [SPF] },
  '_dmarc.no-dkim.com': { TXT: ['v=DMARC1; p=none'] },
  'brandx._domainkey.no-dkim.com': { TXT: [DKIM] },

  'broken-dns.com': { fail: 'SERVFAIL' },
  '_dmarc.broken-dns.com': { fail: 'SERVFAIL' },

  'deep-spf.com': { MX, TXT: [`v=spf1 ${Array.from({ length: 6 }, (_, i) => `include:s${i}.deep-spf.com`).join(' ')} -all`] },
  ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`s${i}.deep-spf.com`, { TXT: ['v=spf1 a mx -all'] }])),
  'google._domainkey.deep-spf.com': { TXT: [DKIM] },
  '_dmarc.deep-spf.com': { TXT: [DMARC] },
};
