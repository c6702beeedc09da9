// Supervised tunnels against real sshd instances on 127.0.0.1: sshd killed and started again on the same port, a local
// connection held while the link reconnects (across failed attempts, up to a bound), a ProxyJump chain rebuilt by itself, a probe that leaves a live
// connection alone, and a login that needs the user stopping the retries.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { TunnelHealth } from '../../shared/api.js';
import { startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from '../ssh/test-pool.js';
import { echoServer, httpGet, secondsUntilWorks, sleep, until } from './helpers.js';

let sshd: Sshd;
let jump: Sshd;
let config: ClientConfig;
let web: Awaited<ReturnType<typeof echoServer>>;
const remote = () => ({ host: '127.0.0.1', port: web.port });

const logins = async (server: Sshd) => (await server.log()).split('Accepted publickey').length - 1;
const connections = async (server: Sshd) => (await server.log()).split('Connection from').length - 1;

beforeAll(async () => {
  [sshd, jump, web] = await Promise.all([startSshd(), startSshd(), echoServer()]);
  config = await writeClientConfig(
    [
      { alias: 'box', sshd },
      { alias: 'jump', sshd: jump },
      { alias: 'behind', sshd, extra: ['ProxyJump jump'] },
    ],
    { trust: true },
  );
});
afterEach(closeTestPools);
afterAll(async () => {
  await Promise.all([sshd?.stop(), jump?.stop(), web?.close()]);
  await config?.cleanup();
});

test('sshd killed and started again on the same port: the same local port works within 2 s of its return', async () => {
  const forward = await testPool(config).pool.forwardLocal(sshTarget('box'), remote());
  const seen: TunnelHealth[] = [];
  forward.onHealth((health) => seen.push(health));
  expect(await httpGet(forward.localPort, '/before')).toBe('hello from /before');

  await sshd.kill();
  // Down long enough for several retries to fail.
  await until(() => (forward.health().attempt ?? 0) >= 3 && forward.health().nextTryInSeconds !== undefined, 'three failed retries', 10_000);
  expect(forward.health()).toMatchObject({
    state: 'reconnecting',
    localPort: forward.localPort,
    nextTryInSeconds: expect.any(Number),
    lastError: expect.stringMatching(/refused/),
  });

  await sshd.restart();
  const returned = performance.now();
  const seconds = await secondsUntilWorks(() => httpGet(forward.localPort, '/after'), returned, 'the tunnel');
  console.log(`[measured] sshd restart: tunnel usable ${seconds.toFixed(2)} s after sshd answered again`);
  expect(seconds).toBeLessThan(2);
  expect(forward.health()).toEqual({ state: 'connected', localPort: forward.localPort });

  // connected -> reconnecting (attempt, next try, last error) ... -> connected, every change announced
  const states = seen.map((h) => h.state).filter((state, i, all) => state !== all[i - 1]);
  expect(states).toEqual(['reconnecting', 'connected']);
  expect(seen[0]).toMatchObject({ state: 'reconnecting', attempt: 0, lastError: expect.stringMatching(/was lost/) });
  const retries = seen.filter((h) => h.nextTryInSeconds !== undefined);
  expect(retries.length).toBeGreaterThanOrEqual(3);
  // The waits grow (about 0.25, 1, 2 s, up to 20% less) and never exceed 30 s; the attempts count up.
  [0.25, 1, 2].forEach((base, i) => {
    expect(retries[i]?.nextTryInSeconds).toBeGreaterThanOrEqual(0.8 * base - 0.05);
    expect(retries[i]?.nextTryInSeconds).toBeLessThanOrEqual(base);
  });
  for (const health of retries) expect(health.nextTryInSeconds).toBeLessThanOrEqual(30);
  const attempts = seen.filter((h) => h.state === 'reconnecting').map((h) => h.attempt ?? -1);
  expect(attempts).toEqual([...attempts].sort((a, b) => a - b));
});

test('with no traffic at all, the link comes back by itself', async () => {
  const forward = await testPool(config).pool.forwardLocal(sshTarget('box'), remote());
  const before = await logins(sshd);
  await sshd.kill();
  await until(() => forward.health().state === 'reconnecting', 'the drop to be noticed');
  await sleep(300);
  await sshd.restart();
  await until(() => forward.health().state === 'connected', 'the background reconnect', 10_000);
  expect(await logins(sshd)).toBe(before + 1);
  expect(await httpGet(forward.localPort, '/quiet')).toBe('hello from /quiet');
});

test('a local connection that arrives while sshd is away is held, then served once it is back', async () => {
  const forward = await testPool(config).pool.forwardLocal(sshTarget('box'), remote());
  await sshd.kill();
  await until(() => forward.health().nextTryInSeconds !== undefined && (forward.health().attempt ?? 0) >= 1, 'a failed retry');
  // Made while nothing listens on sshd's port; it waits for the next attempt instead of being refused.
  const request = httpGet(forward.localPort, '/held');
  await sleep(100);
  await sshd.restart();
  expect(await request).toBe('hello from /held');
});

test('a local connection that arrives while sshd is away waits across failed attempts, and is served once it is back', async () => {
  const forward = await testPool(config).pool.forwardLocal(sshTarget('box'), remote());
  await sshd.kill();
  await until(() => forward.health().state === 'reconnecting', 'the drop to be noticed');
  const request = httpGet(forward.localPort, '/patient');
  const attempt = forward.health().attempt ?? 0;
  // Each of these attempts is refused at once; the request waits on.
  await until(() => (forward.health().attempt ?? 0) >= attempt + 3 && forward.health().nextTryInSeconds !== undefined, 'three failed attempts', 10_000);
  await sshd.restart();
  expect(await request).toBe('hello from /patient');
});

test('a local connection that arrives while sshd stays away is closed after its bound, not at the first refusal', async () => {
  // The bound: the connect timeout, the demand spacing and a second, 2.5 s here.
  const forward = await testPool(config).pool.forwardLocal(sshTarget('box', { connectTimeoutSeconds: 1 }), remote());
  await sshd.kill();
  try {
    await until(() => forward.health().state === 'reconnecting', 'the drop to be noticed');
    const asked = performance.now();
    const outcome = await httpGet(forward.localPort, '/never', {}, 30_000).catch((err: unknown) => err);
    const waited = (performance.now() - asked) / 1000;
    console.log(`[measured] a request while sshd stays away: closed after ${waited.toFixed(2)} s (attempt ${forward.health().attempt})`);
    expect(outcome).toBeInstanceOf(Error);
    expect(waited).toBeGreaterThan(2);
    expect(waited).toBeLessThan(10);
  } finally {
    await sshd.restart();
  }
});

test('when the jump host restarts, the whole chain is rebuilt in the background and the forward works again', async () => {
  const forward = await testPool(config).pool.forwardLocal(sshTarget('behind'), remote());
  expect(await httpGet(forward.localPort, '/via-jump')).toBe('hello from /via-jump');
  const [jumpLogins, targetLogins] = [await logins(jump), await logins(sshd)];
  await jump.restart();
  await until(() => forward.health().state === 'reconnecting', 'the chain to be torn down');
  await until(() => forward.health().state === 'connected', 'the chain to be rebuilt', 10_000);
  expect([await logins(jump), await logins(sshd)]).toEqual([jumpLogins + 1, targetLogins + 1]);
  expect(await httpGet(forward.localPort, '/via-jump-again')).toBe('hello from /via-jump-again');
});

test('a wake probes a live connection and leaves it, and what runs over it, alone', async () => {
  const { pool } = testPool(config);
  const forward = await pool.forwardLocal(sshTarget('box'), remote());
  const before = await logins(sshd);
  const started = performance.now();
  await pool.wake();
  expect(performance.now() - started).toBeLessThan(1000);
  await pool.networkChanged();
  expect(forward.health()).toEqual({ state: 'connected', localPort: forward.localPort });
  expect(await httpGet(forward.localPort, '/awake')).toBe('hello from /awake');
  expect(await logins(sshd)).toBe(before);
});

test('a changed host key marks the tunnel failed, and the retries stop', async () => {
  const server = await startSshd();
  const moved = await writeClientConfig([{ alias: 'moved', sshd: server }], { trust: true });
  try {
    const forward = await testPool(moved).pool.forwardLocal(sshTarget('moved'), remote());
    await server.restart({ newHostKey: true });
    await until(() => forward.health().state === 'failed', 'the tunnel to fail', 10_000);
    expect(forward.health().lastError).toMatch(/host key .* has changed/);
    const tries = await connections(server);
    await sleep(2500);
    expect(await connections(server)).toBe(tries);
    expect(forward.health().state).toBe('failed');
  } finally {
    await closeTestPools();
    await server.stop();
    await moved.cleanup();
  }
});
