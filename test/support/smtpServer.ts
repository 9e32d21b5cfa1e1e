/**
 * A real SMTP server (the `smtp-server` package) in this process, on 127.0.0.1, that keeps every message it
 * received byte for byte and can be scripted to fail: a reply code at RCPT or at end-of-data, or a dropped
 * connection after the body arrived. With `neverHangsUp` it behaves like servers seen in the wild that never close
 * their side of a connection: a client's FIN is ignored (half-open sockets), QUIT is not honoured, and the idle
 * timeout is longer than any test.
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

export type Fault =
  | { at: 'rcpt'; code: number; message?: string }
  | { at: 'data'; code: number; message?: string }
  | { at: 'drop-after-data' }
  | { at: 'hang' };

export interface TestSmtp {
  port: number;
  received: Received[];
  /** Faults to apply, per recipient address (consumed once each), or for every message with '*'. */
  faults: Map<string, Fault[]>;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtp(o: { delayMs?: number; neverHangsUp?: boolean; startTls?: boolean } = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const faults = new Map<string, Fault[]>();
  const take = (rcpt: string, at: Fault['at']): Fault | undefined => {
    for (const key of [rcpt.toLowerCase(), '*']) {
      const list = faults.get(key);
      const i = list?.findIndex((f) => f.at === at) ?? -1;
      if (list && i >= 0) return key === '*' ? list[i] : list.splice(i, 1)[0];
    }
    return undefined;
  };
  const server = new SMTPServer({
    authOptional: true,
    // STARTTLS (when offered) uses smtp-server's built-in self-signed certificate.
    disabledCommands: [...(o.startTls ? [] : ['STARTTLS']), ...(o.neverHangsUp ? ['QUIT'] : [])],
    logger: false,
    // Passed through to net.createServer: the client's FIN no longer ends this side of the socket.
    ...(o.neverHangsUp ? { allowHalfOpen: true, socketTimeout: 30 * 60_000 } : {}),
    onRcptTo(address, _session, callback) {
      const f = take(address.address, 'rcpt');
      if (f && f.at === 'rcpt') return callback(smtpError(f.code, f.message ?? `${f.code} scripted failure at RCPT`));
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const f = take(to[0], 'data') ?? take(to[0], 'drop-after-data') ?? take(to[0], 'hang');
        if (f?.at === 'data') return callback(smtpError(f.code, f.message ?? `${f.code} scripted failure at DATA`));
        const mail = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to, raw: Buffer.concat(chunks) };
        if (f?.at === 'drop-after-data') {
          // The message arrived, but the client never hears so: the ambiguous case.
          received.push(mail);
          const open = (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections;
          for (const c of open) if (c.id === session.id) c._socket.destroy();
          return;
        }
        if (f?.at === 'hang') return; // never answer
        const accept = () => {
          received.push(mail);
          callback(null, 'Message queued as ' + received.length);
        };
        if (o.delayMs) setTimeout(accept, o.delayMs);
        else accept();
      });
    },
  });
  // A client killed mid-session resets its connection; smtp-server reports that as an 'error' event. It is what
  // the crash tests do on purpose, not a server fault.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return {
    port,
    received,
    faults,
    // smtp-server waits up to 30 s for open connections on close; a test's server has nothing left to wait for.
    close: () =>
      new Promise<void>((resolve) => {
        const open = (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections;
        for (const c of open) c._socket.destroy();
        server.close(() => resolve());
      }),
  };
}
