// A dead path: a remote host in a network namespace whose packets are dropped on the way (a blackhole qdisc on both
// ends of its veth; no link goes down, nothing on this machine notices) for longer than the keepalives wait. The
// reconnect that starts meanwhile sends its SYN into the void, and TCP resends it further and further apart. After
// the restore, a request or a network change makes that reconnect connect afresh, so the tunnel is usable within 2 s
// on the same local port. Over a slow link, a slow login is never restarted.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import type { TunnelHealth } from '../../shared/api.js';
import type { LocalForward, SshPool } from '../../electron/core/ssh/ssh-pool.js';
import type { NetnsHost } from '../../testkit/netns-host.js';
import { sshTarget, type ClientConfig } from '../../testkit/sshd.js';
import { testPool } from '../ssh/test-pool.js';
import { farHostForThisFile, firstBytes, secondsUntilWorks, sleep, until } from './helpers.js';

const run = promisify(execFile);
const far = farHostForThisFile();

/** This machine's TCP connections to `address` still waiting for an answer to their SYN (`ss` only reads). */
async function synSent(address: string): Promise<number> {
  const { stdout } = await run('ss', ['-H', '-tn', 'state', 'syn-sent', 'dst', address]);
  return stdout.split('\n').filter((line) => line.trim() !== '').length;
}

const sshdConnections = async (host: NetnsHost) => (await host.sshd.log()).split('Connection from').length - 1;

/**
 * A forward to the far sshd's own port (its banner proves the tunnel works), on a link whose keepalives give a dead
 * path up after 3-4 s; then the dead path, held until the reconnect's TCP connect has waited 7.5 s for an answer.
 * TCP resends a SYN 1, 2, 3, 4, 5, 7, 11 s after the first (or 1, 3, 7, 15 s without tcp_syn_linear_timeouts), so
 * the next resend is at least 3.5 s after the restore: only a fresh connect can make the 2 s.
 */
async function stuckReconnect(
  { host, config }: { host: NetnsHost; config: ClientConfig },
  log: string[],
): Promise<{ pool: SshPool; forward: LocalForward; seen: TunnelHealth[] }> {
  const target = sshTarget('far', { connectTimeoutSeconds: 15, keepaliveIntervalSeconds: 1, keepaliveCountMax: 3 });
  const { pool } = testPool(config, { log: (line) => log.push(line) });
  const forward = await pool.forwardLocal(target, { host: host.address, port: 22 });
  expect(await firstBytes(forward.localPort)).toMatch(/^SSH-2\.0-/);
  const seen: Array<TunnelHealth & { at: number }> = [];
  forward.onHealth((health) => seen.push({ ...health, at: performance.now() }));

  await host.cut('dead-path');
  const tryStarted = await until(
    () => seen.find((health) => health.state === 'reconnecting' && (health.attempt ?? 0) >= 1)?.at,
    'the keepalives to give up and a reconnect to start',
    15_000,
  );
  // ssh2's words, or OpenSSH's ServerAlive's.
  expect(seen[0]?.lastError).toMatch(/Keepalive timeout|Timeout, server \S+ not responding/);
  await sleep(tryStarted + 7500 - performance.now());
  // The precondition of the 2 s: the reconnect is waiting for an answer to its SYN, and has not given up.
  expect(await synSent(host.address)).toBe(1);
  expect(forward.health()).toMatchObject({ state: 'reconnecting', attempt: 1 });
  return { pool, forward, seen };
}

test('a dead path outlasting the keepalives: after the restore, a request makes the stuck reconnect connect afresh, usable within 2 s', async (ctx) => {
  const setup = far();
  if (typeof setup === 'string') return ctx.skip(setup);
  // Whatever happens, the next test gets its link back (a second restore does nothing).
  ctx.onTestFinished(() => setup.host.restore());
  const log: string[] = [];
  const { forward, seen } = await stuckReconnect(setup, log);
  const localPort = forward.localPort;

  await setup.host.restore();
  const restored = performance.now();
  const usable = await secondsUntilWorks(() => firstBytes(localPort, 5000), restored, 'the tunnel', 20_000);
  console.log(`[measured] dead path: tunnel usable ${usable.toFixed(2)} s after the restore (on demand)`);
  expect(usable).toBeLessThan(2);
  expect(forward.localPort).toBe(localPort);
  expect(forward.health()).toEqual({ state: 'connected', localPort });
  expect(log.some((line) => /no answer to the TCP connect for [\d.]+ s; connecting afresh after a new request/.test(line))).toBe(true);
  // The fresh connect shows in the health as the next attempt.
  expect(seen).toContainEqual(expect.objectContaining({ state: 'reconnecting', attempt: 2, lastError: expect.stringMatching(/no answer to the TCP connect/) }));
}, 60_000);

test('a dead path outlasting the keepalives: a network change after the restore reconnects within 2 s, with no request at all', async (ctx) => {
  const setup = far();
  if (typeof setup === 'string') return ctx.skip(setup);
  ctx.onTestFinished(() => setup.host.restore());
  const log: string[] = [];
  const { pool, forward } = await stuckReconnect(setup, log);

  await setup.host.restore();
  const restored = performance.now();
  await pool.networkChanged();
  await until(() => forward.health().state === 'connected', 'the reconnect', 20_000);
  const connected = (performance.now() - restored) / 1000;
  console.log(`[measured] dead path: reconnected ${connected.toFixed(2)} s after the restore (networkChanged, no request)`);
  expect(connected).toBeLessThan(2);
  expect(log.some((line) => /connecting afresh after a network change/.test(line))).toBe(true);
  expect(await firstBytes(forward.localPort)).toMatch(/^SSH-2\.0-/);
}, 60_000);

test('a slow login over a slow link is never restarted, however many requests arrive during it', async (ctx) => {
  const setup = far();
  if (typeof setup === 'string') return ctx.skip(setup);
  const { host, config } = setup;
  const log: string[] = [];
  const { pool } = testPool(config, { log: (line) => log.push(line) });
  const target = sshTarget('far', { connectTimeoutSeconds: 60 });
  const before = await sshdConnections(host);
  await host.throttle(8);
  ctx.onTestFinished(() => host.restore());

  const started = performance.now();
  let loggedIn: number | undefined;
  const first = pool.exec(target, 'echo first').then((result) => {
    loggedIn = performance.now();
    return result.stdout;
  });
  // Awaited below, after the requests: a failure meanwhile is reported there.
  first.catch(() => undefined);
  // Requests every 250 ms until the login is through: each one asks the link for its connection (and opens no
  // channel, which over this link would only queue behind the others).
  const demands: Array<{ at: number; done: Promise<string> }> = [];
  while (loggedIn === undefined && performance.now() - started < 50_000) {
    await sleep(250);
    demands.push({ at: performance.now(), done: pool.remoteUser(target) });
  }
  expect(await first).toBe('first\n');
  expect(await Promise.all(demands.map((demand) => demand.done))).toEqual(demands.map(() => 'root'));
  const loginSeconds = ((loggedIn ?? Infinity) - started) / 1000;
  const lateDemands = demands.filter((demand) => demand.at - started > 1500 && demand.at < (loggedIn ?? 0)).length;
  console.log(`[measured] slow link (8 kbit/s): login took ${loginSeconds.toFixed(1)} s; ${lateDemands} requests came more than 1.5 s into it`);
  // The precondition: requests came while the login had been under way for longer than a stuck TCP connect.
  expect(lateDemands).toBeGreaterThan(0);
  expect(await sshdConnections(host)).toBe(before + 1);
  expect(log.filter((line) => line.includes('connecting afresh'))).toEqual([]);
}, 90_000);
