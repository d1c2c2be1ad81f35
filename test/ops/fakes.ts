// Network fakes for the operations tests: an SMTP server that records the messages it receives,
// and a port nothing listens on.
import net from 'node:net';

export interface FakeSmtp {
  port: number;
  messages: string[];
  close(): Promise<void>;
}

export function fakeSmtp(): Promise<FakeSmtp> {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    socket.write('220 fake.example.org ESMTP\r\n');
    let buffer = '';
    let data: string[] | null = null;
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const raw = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data) {
          if (raw === '.') {
            messages.push(data.join('\n'));
            data = null;
            socket.write('250 queued\r\n');
          } else data.push(raw);
          continue;
        }
        const line = raw.toUpperCase();
        if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 fake.example.org\r\n');
        else if (line.startsWith('DATA')) {
          data = [];
          socket.write('354 go ahead\r\n');
        } else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as net.AddressInfo).port, messages, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

/** A port nothing listens on (bound, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
