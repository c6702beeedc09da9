// A remote forward (ssh -R) after its connection dropped: the lab on the far side knows only the one remote port, so
// hubtray must get that port back even when the server cannot give it at once, as when the session a drop left
// behind still holds it until sshd's ClientAlive checks end it. Here a listener of the test's own holds the port
// while sshd comes back.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { freePort } from '../fixtures/ports.js';
import { startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from './test-pool.js';

let sshd: Sshd;
let config: ClientConfig;
let echo: net.Server;

beforeAll(async () => {
  sshd = await startSshd();
  config = await writeClientConfig([{ alias: 'node', sshd }], { trust: true });
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
});
afterEach(closeTestPools);
afterAll(async () => {
  echo?.close();
  await sshd?.stop();
  await config?.cleanup();
});

/** One echo through 127.0.0.1:port, within 2 s; false on any failure. */
function echoes(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString() === 'ping'));
    socket.write('ping');
  });
}

async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

test('gets the same remote port back once the server can give it, after refusing it at the reconnect', async () => {
  const logged: string[] = [];
  const { pool } = testPool(config, { log: (line) => logged.push(line) });
  const remotePort = await freePort();
  const echoPort = (echo.address() as net.AddressInfo).port;
  const forward = await pool.forwardRemote(sshTarget('node'), { host: '127.0.0.1', port: remotePort }, { host: '127.0.0.1', port: echoPort });
  expect(forward.remotePort).toBe(remotePort);
  expect(await echoes(remotePort)).toBe(true);

  await sshd.kill();
  const holder = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => holder.listen(remotePort, '127.0.0.1', resolve));
  await sshd.restart();
  expect(await within(15_000, async () => logged.some((line) => /could not listen again/.test(line)))).toBe(true);

  await new Promise<void>((resolve) => holder.close(() => resolve()));
  expect(await within(15_000, () => echoes(remotePort))).toBe(true);
  expect(logged.some((line) => /listening again after a reconnect/.test(line))).toBe(true);
});
