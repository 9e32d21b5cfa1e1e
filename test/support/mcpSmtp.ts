/** A real SMTP server in the test process, on 127.0.0.1, that keeps every message it accepts — the far end of a
 * live send, so no test ever mails anyone. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Cleanup } from './mcpClient';

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
}

export async function startSmtpSink(t: Cleanup): Promise<{ received: ReceivedMail[]; env: Record<string, string> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof t === 'function') t(close);
  else t.after(close);
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      SMTP_SECURE: 'false',
      SMTP_USERNAME: '',
      SMTP_PASSWORD: '',
      SMTP_FROM_EMAIL: 'alex@leadflow-sender.io',
      SMTP_FROM_NAME: 'Alex Smith',
      LEADFLOW_SECRET: 'mcp-test-secret-0123456789abcdef',
      LEADFLOW_UNSUBSCRIBE_URL: 'http://127.0.0.1:9/unsubscribe',
      SENDER_POSTAL_ADDRESS: 'Leadflow Test GmbH, Teststrasse 1, 10115 Berlin',
    },
  };
}
