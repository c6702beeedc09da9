// The far ends of the tunnels, in a process of their own so that they do not share an event loop with the load
// generator: a sink (counts what it gets, answers the count), a source (sends as many bytes as asked), an echo server,
// and any number of tiny HTTP servers. Prints one JSON line with the ports, then runs until SIGTERM.
// Usage: node servers.js [httpServerCount]
import http from 'node:http';
import net from 'node:net';

const chunk = Buffer.alloc(1024 * 1024, 0x5a);

function listen(server: net.Server | http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/**
 * Reads an 8-byte big-endian count, then that many bytes, and answers with the count it got (8 bytes). Without a
 * count (the first 8 bytes are all 0xff), it reads until the client half-closes, then answers the same way.
 */
const sink = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
  let header = Buffer.alloc(0);
  let expected: number | undefined;
  let received = 0;
  let answered = false;
  const answer = () => {
    if (answered) return;
    answered = true;
    const count = Buffer.alloc(8);
    count.writeBigUInt64BE(BigInt(received));
    socket.end(count);
  };
  socket.on('data', (data: Buffer) => {
    if (expected === undefined) {
      header = Buffer.concat([header, data]);
      if (header.length < 8) return;
      const announced = header.readBigUInt64BE();
      expected = announced === 0xffffffffffffffffn ? Infinity : Number(announced);
      data = header.subarray(8);
    }
    received += data.length;
    if (received >= expected) answer();
  });
  socket.on('end', answer);
  socket.on('error', () => {});
});

/** Reads an 8-byte big-endian count, sends that many bytes, then closes. */
const source = net.createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => {});
  socket.once('readable', function read() {
    const header = socket.read(8) as Buffer | null;
    if (!header) return socket.once('readable', read);
    let left = Number(header.readBigUInt64BE());
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!socket.write(piece)) return socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  });
});

const echo = net.createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => {});
  socket.pipe(socket);
});

const body = JSON.stringify({ ok: true });
const httpServers = Array.from({ length: Number(process.argv[2] ?? 0) }, () =>
  http.createServer({ keepAlive: true, noDelay: true }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }),
);

const ports = {
  sink: await listen(sink),
  source: await listen(source),
  echo: await listen(echo),
  http: await Promise.all(httpServers.map(listen)),
};
process.stdout.write(`${JSON.stringify(ports)}\n`);
process.on('SIGTERM', () => process.exit(0));
