// The remote script's choice of the server's port. The user's world: a busy host, where other programs listen and
// open outbound connections, whose ports the kernel takes from ip_local_port_range at any moment. Real parts: the
// script run by /bin/sh on this machine against its real /proc, a real listening socket and a real established
// connection; this machine's own ip_local_port_range (a fake one cannot be given to the script).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePortLoop } from '../../electron/core/shell-spawner/shell-scripts.js';

const [lo = 0, hi = 0] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);

function usedPorts(): Set<number> {
  const rows = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => readFileSync(file, 'utf8').trim().split('\n').slice(1));
  return new Set(rows.map((row) => parseInt(row.trim().split(/\s+/)[1]?.split(':')[1] ?? '', 16)));
}

/** A port in [from, to] that no socket uses right now. */
function unusedPort(from: number, to: number): number {
  const used = usedPorts();
  for (;;) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (!used.has(port)) return port;
  }
}

function chosen(candidates: number[]): string {
  const run = spawnSync('/bin/sh', ['-s'], { input: `${freePortLoop(candidates)}\nprintf '%s' "$HT_PORT"\n`, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout;
}

// Outside the range, as hubtray's candidates are: one port listened on, one held only by an established connection.
const below = lo - 1;
let listener: Server;
let client: Socket;
let listening: number;
let connected: number;

beforeAll(async () => {
  listening = unusedPort(20000, below);
  listener = createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => listener.listen(listening, '127.0.0.1', resolve));
  connected = unusedPort(20000, below);
  client = connect({ host: '127.0.0.1', port: listening, localAddress: '127.0.0.1', localPort: connected });
  await new Promise<void>((resolve) => client.once('connect', resolve));
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => listener?.close(resolve));
});

it('never picks a port the kernel may give an outbound connection while a free one outside that range is offered', () => {
  expect(lo).toBeGreaterThan(20000);
  const inside = [unusedPort(lo, hi), unusedPort(lo, hi), unusedPort(lo, hi)];
  const outside = unusedPort(20000, below);
  expect(chosen([...inside, outside])).toBe(String(outside));
});

it('skips a port an established connection holds, not only one a server listens on', () => {
  const free = unusedPort(20000, below);
  expect(chosen([listening, connected, free])).toBe(String(free));
  expect(chosen([listening, connected])).toBe('');
});

it('still starts on a host whose every free candidate lies in that range', () => {
  const inside = unusedPort(lo, hi);
  expect(chosen([connected, inside])).toBe(String(inside));
});
