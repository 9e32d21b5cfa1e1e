/** A local SMTP server for the benchmark, in its own process: accepts everything and records arrival times. */
import { SMTPServer } from 'smtp-server';

const arrivals: number[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      arrivals.push(Date.now());
      callback();
    });
  },
});
server.on('error', () => {}); // a client resetting its connection is not the sink's concern
server.listen(0, '127.0.0.1', () => {
  const { port } = (server as unknown as { server: { address(): { port: number } } }).server.address();
  process.send!({ port });
});
process.on('message', () => process.send!({ arrivals }));
