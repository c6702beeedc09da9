// Local forwards through a real sshd to a real HTTP server: 127.0.0.1 only, busy ports, and a tunnel that comes
// back on the same local port after sshd goes away and returns.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { TunnelHealth } from '../../shared/api.js';
import { SshError } from '../../electron/core/ssh/ssh-error.js';
import type { LocalForward } from '../../electron/core/ssh/ssh-pool.js';
import { freePort } from '../fixtures/ports.js';
import { startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from './test-pool.js';

let sshd: Sshd;
let config: ClientConfig;
let web: http.Server;
let webPort: number;
const newPool = () => testPool(config).pool;

/** One request on a fresh TCP connection, as a browser opening a new one would. */
function get(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('request timed out')));
  });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** The addresses a local TCP port listens on, from the kernel's tables. */
async function listeners(port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local.split(':')[0] ?? '');
    }
  }
  return found;
}

beforeAll(async () => {
  sshd = await startSshd();
  config = await writeClientConfig([{ alias: 'box', sshd }], { trust: true });
  web = http.createServer((request, response) => response.end(`hello from ${request.url}`));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webPort = (web.address() as net.AddressInfo).port;
});
afterEach(closeTestPools);
afterAll(async () => {
  await new Promise((resolve) => web?.close(resolve));
  await sshd?.stop();
  await config?.cleanup();
});

test('HTTP goes through the tunnel, which listens on 127.0.0.1 only', async () => {
  const forward = await newPool().forwardLocal(sshTarget('box'), { host: '127.0.0.1', port: webPort });
  expect(forward.health()).toEqual({ state: 'connected', localPort: forward.localPort });
  const bodies = await Promise.all([1, 2, 3, 4, 5].map((i) => get(forward.localPort, `/page/${i}`)));
  expect(bodies).toEqual([1, 2, 3, 4, 5].map((i) => `hello from /page/${i}`));
  expect(await listeners(forward.localPort)).toEqual(['0100007F']);
});

test('a client that half-closes its side still gets the whole reply, as through OpenSSH', async () => {
  // A server that answers only once it has read everything: it needs the client's FIN to arrive, and its own
  // reply to travel back over a channel that is half-closed.
  const counter = net.createServer({ allowHalfOpen: true }, (socket) => {
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('end', () => socket.end(`read ${bytes} bytes`));
  });
  await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
  try {
    const forward = await newPool().forwardLocal(sshTarget('box'), { host: '127.0.0.1', port: (counter.address() as net.AddressInfo).port });
    const reply = await new Promise<string>((resolve, reject) => {
      const client = net.connect({ host: '127.0.0.1', port: forward.localPort, allowHalfOpen: true }, () => client.end('x'.repeat(100_000)));
      let text = '';
      client.on('data', (chunk: Buffer) => (text += chunk.toString()));
      client.on('end', () => resolve(text));
      client.on('error', reject);
    });
    expect(reply).toBe('read 100000 bytes');
  } finally {
    await new Promise((resolve) => counter.close(resolve));
  }
});

test('a requested local port is used; a busy one is refused with a clear error', async () => {
  const pool = newPool();
  const wanted = await freePort();
  const forward = await pool.forwardLocal(sshTarget('box'), { host: '127.0.0.1', port: webPort }, { localPort: wanted });
  expect(forward.localPort).toBe(wanted);
  const error = await pool
    .forwardLocal(sshTarget('box'), { host: '127.0.0.1', port: webPort }, { localPort: wanted })
    .catch((err: unknown) => err);
  expect(error).toBeInstanceOf(SshError);
  expect((error as SshError).message).toBe(
    `local port ${wanted} on 127.0.0.1 is already in use; stop whatever listens there or choose another port`,
  );
  // the first forward is unharmed
  expect(await get(wanted)).toBe('hello from /');
});

test('a target that cannot be reached fails forwardLocal and frees the local port', async () => {
  const [wanted, closedPort] = [await freePort(), await freePort()];
  const error = await newPool()
    .forwardLocal(sshTarget('127.0.0.1', { port: closedPort }), { host: '127.0.0.1', port: webPort }, { localPort: wanted })
    .catch((err: unknown) => err);
  expect(error).toBeInstanceOf(SshError);
  expect(error).toMatchObject({ code: 'unreachable', message: expect.stringContaining(`127.0.0.1:${closedPort}`) });
  expect(await listeners(wanted)).toEqual([]);
});

test('close() stops listening and ends open connections', async () => {
  const forward = await newPool().forwardLocal(sshTarget('box'), { host: '127.0.0.1', port: webPort });
  const socket = net.connect({ host: '127.0.0.1', port: forward.localPort });
  await new Promise((resolve) => socket.once('connect', resolve));
  const socketClosed = new Promise((resolve) => socket.once('close', resolve));
  await forward.close();
  await socketClosed;
  expect(forward.health().state).toBe('none');
  await expect(get(forward.localPort)).rejects.toThrow(/ECONNREFUSED/);
});

test('after sshd dies and returns, the same local port works again; a changed host key marks the tunnel failed', async () => {
  const forward: LocalForward = await newPool().forwardLocal(sshTarget('box'), { host: '127.0.0.1', port: webPort });
  const seen: TunnelHealth[] = [];
  forward.onHealth((health) => seen.push(health));
  expect(await get(forward.localPort)).toBe('hello from /');

  await sshd.kill();
  await waitFor(() => forward.health().state === 'reconnecting', 'the drop to be noticed');
  expect(forward.health().lastError).toMatch(/connection to root@127\.0\.0\.1:\d+ was lost/);
  // While sshd stays away a request waits across the refused attempts, then fails; the health says why.
  await expect(get(forward.localPort)).rejects.toThrow();
  expect(forward.health()).toMatchObject({ state: 'reconnecting', lastError: expect.stringMatching(/refused/) });
  const refusedAttempts = forward.health().attempt ?? 0;
  expect(refusedAttempts).toBeGreaterThan(1);

  await sshd.restart();
  expect(await get(forward.localPort, '/back')).toBe('hello from /back');
  expect(forward.health()).toEqual({ state: 'connected', localPort: forward.localPort });
  const states = seen.map((h) => h.state).filter((state, i, all) => state !== all[i - 1]);
  expect(states).toEqual(['reconnecting', 'connected']);
  expect(seen.at(-2)?.state).toBe('reconnecting');
  // The count carries on across the refusals (never reset); whether one more attempt failed before sshd was back
  // depends on how fast it restarts against the backoff, so the one that got through may be the next.
  expect(seen.at(-2)?.attempt).toBeGreaterThanOrEqual(refusedAttempts);

  await sshd.restart({ newHostKey: true });
  await waitFor(() => forward.health().state === 'reconnecting', 'the second drop to be noticed');
  await expect(get(forward.localPort)).rejects.toThrow();
  expect(forward.health()).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/host key .* has changed/) });
});
