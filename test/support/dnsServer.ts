/**
 * A tiny authoritative DNS server for tests: dns-packet over UDP on 127.0.0.1, answering from a zone scripted per
 * test. A name that is not in the zone is NXDOMAIN; a name without the asked type is NODATA; a name can be told to
 * answer SERVFAIL or to never answer (a timeout). Point a node:dns Resolver at it with `resolverFor(server)`.
 */
import { createSocket, type Socket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import * as dnsPacket from 'dns-packet';

export interface ZoneEntry {
  MX?: { exchange: string; priority: number }[];
  A?: string[];
  AAAA?: string[];
  /** Each record is one string, or several character-strings (split long TXT records the way DNS carries them). */
  TXT?: (string | string[])[];
  /** Answer every query for this name with this failure instead of records. */
  fail?: 'SERVFAIL' | 'timeout';
}

export type Zone = Record<string, ZoneEntry>;

export interface DnsServer {
  /** "127.0.0.1:PORT", for `Resolver.setServers` or `--dns-server`. */
  address: string;
  /** Every question asked, as "TYPE name", in order (to prove what was, or was not, looked up). */
  queries: string[];
  close(): Promise<void>;
}

const RCODE_NXDOMAIN = 3;
const RCODE_SERVFAIL = 2;

export async function startDnsServer(zone: Zone): Promise<DnsServer> {
  const records = new Map(Object.entries(zone).map(([name, entry]) => [name.toLowerCase().replace(/\.$/, ''), entry]));
  const queries: string[] = [];
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, peer) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    queries.push(`${question.type} ${name}`);
    const entry = records.get(name);
    if (entry?.fail === 'timeout') return;
    let flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER;
    const answers: dnsPacket.Answer[] = [];
    if (!entry) flags |= RCODE_NXDOMAIN;
    else if (entry.fail === 'SERVFAIL') flags |= RCODE_SERVFAIL;
    else answers.push(...answersFor(question, entry));
    const reply = dnsPacket.encode({ type: 'response', id: query.id, flags, questions: [question], answers });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function answersFor(question: dnsPacket.Question, entry: ZoneEntry): dnsPacket.Answer[] {
  const base = { name: question.name, ttl: 60, class: 'IN' as const };
  switch (question.type) {
    case 'MX':
      return (entry.MX ?? []).map((mx) => ({ ...base, type: 'MX' as const, data: { preference: mx.priority, exchange: mx.exchange } }));
    case 'A':
      return (entry.A ?? []).map((ip) => ({ ...base, type: 'A' as const, data: ip }));
    case 'AAAA':
      return (entry.AAAA ?? []).map((ip) => ({ ...base, type: 'AAAA' as const, data: ip }));
    case 'TXT':
      return (entry.TXT ?? []).map((txt) => ({ ...base, type: 'TXT' as const, data: typeof txt === 'string' ? txt : txt }));
    default:
      return [];
  }
}

/** A node:dns Resolver that asks only this server, and gives up fast (a scripted timeout should not slow the suite). */
export function resolverFor(server: DnsServer, timeoutMs = 300): Resolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server.address]);
  return resolver;
}
