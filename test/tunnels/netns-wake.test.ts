// A remote host in a network namespace whose link dies silently (packets vanish, no error comes back): a wake
// finds the stale connection at once instead of waiting for keepalives, and while that host is down another host's
// tunnels, in the same pool, go on at their usual speed and even reconnect.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { SshError } from '../../electron/core/ssh/ssh-error.js';
import { startNetnsHost, type NetnsHost } from '../../testkit/netns-host.js';
import { startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from '../ssh/test-pool.js';
import { echoServer, firstBytes, httpGet, secondsUntilWorks, sleep, until } from './helpers.js';

let host: NetnsHost | string;
let nearSshd: Sshd;
let web: Awaited<ReturnType<typeof echoServer>>;
let config: ClientConfig;

beforeAll(async () => {
  [host, nearSshd, web] = await Promise.all([startNetnsHost(), startSshd(), echoServer()]);
  const far = typeof host === 'object' ? [{ alias: 'far', sshd: host.sshd }] : [];
  config = await writeClientConfig([{ alias: 'near', sshd: nearSshd }, ...far], { trust: true });
});
afterEach(closeTestPools);
afterAll(async () => {
  if (typeof host === 'object') await host.stop();
  await Promise.all([nearSshd?.stop(), web?.close()]);
  await config?.cleanup();
});

/** Milliseconds for each of `count` requests on fresh connections, `pauseMs` apart. */
async function latencies(port: number, count: number, pauseMs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    expect(await httpGet(port, `/${i}`)).toBe(`hello from /${i}`);
    times.push(performance.now() - started);
    await sleep(pauseMs);
  }
  return times;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

test('a wake during a stale, idle connection reconnects at once, long before the keepalive would notice', async (ctx) => {
  if (typeof host === 'string') return ctx.skip(host);
  // Keepalives every 60 s: on its own, the dead link would go unnoticed for three minutes.
  const target = sshTarget('far', { connectTimeoutSeconds: 5, keepaliveIntervalSeconds: 60, keepaliveCountMax: 3 });
  const { pool } = testPool(config);
  const forward = await pool.forwardLocal(target, { host: host.address, port: 22 });
  expect(await firstBytes(forward.localPort)).toMatch(/^SSH-2\.0-/);

  await host.cut('silent');
  await sleep(1000);
  expect(forward.health().state).toBe('connected');
  const woke = performance.now();
  await pool.wake();
  const noticed = (performance.now() - woke) / 1000;
  expect(forward.health()).toMatchObject({ state: 'reconnecting', lastError: expect.stringMatching(/did not answer within 2\.5 s after a wake/) });

  // The link stays down a little longer: the reconnect attempts meanwhile get no answer at all.
  await sleep(1500);
  await host.restore();
  const restored = performance.now();
  const usable = await secondsUntilWorks(() => firstBytes(forward.localPort), restored, 'the tunnel');
  console.log(`[measured] silent cut + wake: stale connection found ${noticed.toFixed(2)} s after the wake; tunnel usable ${usable.toFixed(2)} s after the restore`);
  expect(noticed).toBeLessThan(3.5);
  // The reconnect's SYN has gone unanswered for about a second: the first request makes it connect afresh.
  expect(usable).toBeLessThan(2);
  expect(forward.health().state).toBe('connected');
});

test('one host down does not delay another host: its requests keep their latency, and it can even reconnect', async (ctx) => {
  if (typeof host === 'string') return ctx.skip(host);
  const farTarget = sshTarget('far', { connectTimeoutSeconds: 5 });
  const { pool } = testPool(config);
  const far = await pool.forwardLocal(farTarget, { host: host.address, port: 22 });
  const near = await pool.forwardLocal(sshTarget('near'), { host: '127.0.0.1', port: web.port });
  const baseline = await latencies(near.localPort, 20, 50);

  await host.cut('silent');
  // Everything that could queue behind the dead host: a probe that gets no answer, reconnects that hang in TCP's
  // connect, local connections waiting for them, a command.
  const probing = pool.wake();
  const farWaits = Array.from({ length: 5 }, () => firstBytes(far.localPort).catch((err: unknown) => err));
  const farCommand = pool.exec(farTarget, 'true', { timeoutMs: 8000 }).catch((err: unknown) => err);
  const during = await latencies(near.localPort, 40, 100);
  await probing;
  expect(far.health().state).toBe('reconnecting');

  // The healthy host's own reconnect does not wait for the dead one's either.
  await nearSshd.restart();
  const nearBack = await secondsUntilWorks(() => httpGet(near.localPort, '/back'), performance.now(), 'the near tunnel');
  expect(far.health().state).toBe('reconnecting');
  console.log(
    `[measured] one host down: near host p50 ${median(baseline).toFixed(1)} ms before, p50 ${median(during).toFixed(1)} ms / ` +
      `max ${Math.max(...during).toFixed(1)} ms while the far host was down; near sshd restart -> usable in ${nearBack.toFixed(2)} s`,
  );
  expect(median(during)).toBeLessThan(Math.max(3 * median(baseline), median(baseline) + 20));
  expect(Math.max(...during)).toBeLessThan(1000);
  expect(nearBack).toBeLessThan(2);

  await host.restore();
  // It started on the stale connection, which the probe then dropped.
  expect(await farCommand).toBeInstanceOf(SshError);
  await Promise.all(farWaits);
  await until(async () => /^SSH-2\.0-/.test(await firstBytes(far.localPort).catch(() => '')), 'the far tunnel to work again', 15_000);
});
