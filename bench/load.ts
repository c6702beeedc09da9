// The load generator: bulk transfers to the sink and from the source, 1 KiB ping-pong on one kept connection,
// HTTP requests on one kept-alive connection, and many transfers at once. Everything goes to 127.0.0.1.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';

const chunk = Buffer.alloc(1024 * 1024, 0xa5);

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Sends `bytes` to the sink and waits for its count; resolves with the seconds from connect to the count. With
 * halfClose, the sink is not told the size and answers when the client half-closes (shutdown(SHUT_WR)).
 */
export async function upload(port: number, bytes: number, options: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<number> {
  const t0 = performance.now();
  const socket = await connect(port);
  return new Promise((resolve, reject) => {
    let reply = Buffer.alloc(0);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const got = reply.length === 8 ? Number(reply.readBigUInt64BE()) : undefined;
      if (got !== bytes) {
        return reject(new Error(`the sink answered ${reply.length} bytes (${got ?? 'no count'}) for ${bytes} bytes sent through 127.0.0.1:${port}`));
      }
      resolve((performance.now() - t0) / 1000);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from the sink within ${options.timeoutMs} ms`)), options.timeoutMs ?? 120_000);
    socket.on('data', (data: Buffer) => {
      reply = Buffer.concat([reply, data]);
      if (reply.length >= 8) finish();
    });
    socket.once('error', finish);
    socket.once('end', () => finish());
    const header = Buffer.alloc(8);
    header.writeBigUInt64BE(options.halfClose ? 0xffffffffffffffffn : BigInt(bytes));
    socket.write(header);
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!socket.write(piece)) return socket.once('drain', pump);
      }
      if (options.halfClose) socket.end();
    };
    pump();
  });
}

/** Asks the source for `bytes` and reads them all; resolves with the seconds from connect to the last byte. */
export async function download(port: number, bytes: number): Promise<number> {
  const t0 = performance.now();
  const socket = await connect(port);
  return new Promise((resolve, reject) => {
    let received = 0;
    socket.on('data', (data: Buffer) => (received += data.length));
    socket.once('error', reject);
    socket.once('end', () => {
      socket.destroy();
      if (received !== bytes) return reject(new Error(`got ${received} of ${bytes} bytes from the source`));
      resolve((performance.now() - t0) / 1000);
    });
    const header = Buffer.alloc(8);
    header.writeBigUInt64BE(BigInt(bytes));
    socket.write(header);
  });
}

/**
 * Round trips of `size` bytes through the echo server on one connection, `iterations` of them or as many as fit in
 * `maxMs`; resolves with each one's milliseconds.
 */
export async function echoRoundTrips(port: number, iterations: number, maxMs = Infinity, size = 1024): Promise<number[]> {
  const deadline = performance.now() + maxMs;
  const socket = await connect(port);
  const payload = Buffer.alloc(size, 0x42);
  const times: number[] = [];
  try {
    let pending = 0;
    let wake: (() => void) | undefined;
    let failed: Error | undefined;
    socket.on('data', (data: Buffer) => {
      pending -= data.length;
      if (pending <= 0 && wake) wake();
    });
    socket.once('error', (err) => {
      failed = err;
      wake?.();
    });
    for (let i = 0; i < iterations && performance.now() < deadline; i++) {
      const t0 = performance.now();
      pending = size;
      await new Promise<void>((resolve) => {
        wake = resolve;
        socket.write(payload);
      });
      if (failed) throw failed;
      if (pending !== 0) throw new Error(`the echo came back ${-pending} bytes too long`);
      times.push(performance.now() - t0);
    }
  } finally {
    socket.destroy();
  }
  return times;
}

/**
 * `GET path` again and again on one kept-alive connection, `iterations` times or as many as fit in `maxMs`; resolves
 * with each one's milliseconds.
 */
export async function httpRoundTrips(
  port: number,
  path: string,
  headers: Record<string, string>,
  iterations: number,
  maxMs = Infinity,
): Promise<number[]> {
  const deadline = performance.now() + maxMs;
  const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1, keepAliveTimeout: 60_000 });
  let connects = 0;
  client.on('connect', () => connects++);
  const times: number[] = [];
  try {
    for (let i = 0; i < iterations && performance.now() < deadline; i++) {
      const t0 = performance.now();
      const { statusCode, body } = await client.request({ method: 'GET', path, headers });
      await body.text();
      if (statusCode !== 200) throw new Error(`GET ${path} answered ${statusCode}`);
      times.push(performance.now() - t0);
    }
  } finally {
    await client.close();
  }
  if (connects !== 1) throw new Error(`the HTTP client connected ${connects} times instead of keeping one connection`);
  return times;
}

/** `count` uploads of `bytes` each, all at once; resolves with the wall time and the errors. */
export async function concurrentUploads(port: number, count: number, bytes: number): Promise<{ seconds: number; errors: string[] }> {
  const t0 = performance.now();
  const results = await Promise.allSettled(Array.from({ length: count }, () => upload(port, bytes)));
  const seconds = (performance.now() - t0) / 1000;
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message ?? r.reason)] : []));
  return { seconds, errors };
}

/** One GET through each port; resolves with the number that answered 200. */
export async function getEach(ports: number[], path = '/'): Promise<number> {
  let ok = 0;
  await Promise.all(
    ports.map(async (port) => {
      const client = new Client(`http://127.0.0.1:${port}`);
      try {
        const { statusCode, body } = await client.request({ method: 'GET', path });
        await body.text();
        if (statusCode === 200) ok++;
      } finally {
        await client.close();
      }
    }),
  );
  return ok;
}
