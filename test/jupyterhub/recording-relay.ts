// A TCP relay in front of a real server that records the HTTP request lines passing through it, so a test can tell
// which address hubtray sent which request to (hub_url or hub_url_local), and which carried credentials. It changes
// nothing in either direction.
import net from 'node:net';

export interface RecordingRelay {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** "GET /hub/api/user" and the like, in the order they arrived. */
  requests: string[];
  /** The request lines of those that carried an Authorization header. */
  authorized: string[];
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP\/1\.[01]$/;

export async function startRecordingRelay(targetPort: number): Promise<RecordingRelay> {
  const requests: string[] = [];
  const authorized: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => [client, upstream].forEach((s) => s.destroy()));
    }
    let pending = '';
    let current = '';
    client.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const lines = pending.split('\r\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = REQUEST_LINE.exec(line);
        if (match) requests.push((current = `${match[1]} ${match[2]}`));
        else if (/^authorization:/i.test(line)) authorized.push(current);
      }
    });
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`,
    requests,
    authorized,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
