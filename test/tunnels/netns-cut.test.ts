// A remote host in a network namespace loses its link for 30 s, then gets it back. Through hubtray's tunnel: the
// keepalives, with the product's default settings, notice the loss in about 15 s, the tunnel is usable again within 2 s of the restore on the same local port, and a
// Jupyter kernel's websocket reconnects to a kernel that kept its state.
import os from 'node:os';
import { expect, test } from 'vitest';
import type { TunnelHealth } from '../../shared/api.js';
import { SshHostSettings } from '../../shared/config.js';
import { watchNetwork } from '../../electron/core/ssh/ssh-pool.js';
import { sshTarget } from '../../electron/core/ssh/ssh-target.js';
import { KernelChannels } from '../../testkit/jupyter-kernel.js';
import { testPool } from '../ssh/test-pool.js';
import { farHostForThisFile, httpGet, secondsUntilWorks, sleep, until } from './helpers.js';

const cutSeconds = 30;
const far = farHostForThisFile({ jupyter: true });

test(`a ${cutSeconds} s link cut: the tunnel comes back on the same port within 2 s, and the kernel's websocket reconnects to a kernel that kept its state`, async (ctx) => {
  const setup = far();
  if (typeof setup === 'string') return ctx.skip(setup);
  const { host, config } = setup;
  const { jupyter, hostInterface } = host;
  if (!jupyter) throw new Error('the fixture started no Jupyter');
  const headers = { Authorization: `token ${jupyter.token}` };
  // The product's defaults, as a system that sets none of keepalive_interval, keepalive_count_max, connect_timeout.
  const target = sshTarget(SshHostSettings.parse({ host: 'far' }));
  const forward = await testPool(config).pool.forwardLocal(target, { host: jupyter.host, port: jupyter.port });
  const localPort = forward.localPort;
  const seen: Array<TunnelHealth & { at: number }> = [];
  forward.onHealth((health) => seen.push({ ...health, at: performance.now() }));

  const started = await fetch(`http://127.0.0.1:${localPort}/api/kernels`, { method: 'POST', headers, body: '{}' });
  expect(started.status).toBe(201);
  const kernel = (await started.json()) as { id: string };
  const channelsUrl = `ws://127.0.0.1:${localPort}/api/kernels/${kernel.id}/channels`;
  const before = await KernelChannels.open(channelsUrl, jupyter.token);
  await before.ready();
  expect(await before.execute('x = 42')).toBe('');
  const networkChanges: number[] = [];
  const stopWatch = watchNetwork(() => networkChanges.push(performance.now()), { intervalMs: 500 });
  ctx.onTestFinished(stopWatch);

  const cut = performance.now();
  await host.cut('link-down');
  await before.closed;
  const wsClosed = performance.now();
  expect(forward.health().state).toBe('reconnecting');
  const lost = seen.find((h) => h.state === 'reconnecting');
  expect(lost?.lastError).toMatch(/Keepalive timeout|was lost/);
  // The interface went away for the network watch too.
  await until(() => networkChanges.some((at) => at > cut), 'the network watch to see the cut', 5000);
  expect(os.networkInterfaces()[hostInterface]).toBeUndefined();
  await sleep(cut + cutSeconds * 1000 - performance.now());
  expect(forward.health()).toMatchObject({ state: 'reconnecting', localPort, lastError: expect.any(String) });

  const restoring = performance.now();
  await host.restore();
  const restored = performance.now();
  const usable = await secondsUntilWorks(() => httpGet(localPort, '/api/status', headers), restored, 'the tunnel');
  expect(forward.localPort).toBe(localPort);
  let after: KernelChannels | undefined;
  const wsBack = await secondsUntilWorks(async () => (after = await KernelChannels.open(channelsUrl, jupyter.token)), restored, 'the websocket');
  ctx.onTestFinished(() => after?.close());
  expect(await after?.execute('print(x)')).toBe('42\n');
  await until(() => networkChanges.some((at) => at > restoring), 'the network watch to see the restore', 5000);

  const detected = ((lost?.at ?? Infinity) - cut) / 1000;
  console.log(
    `[measured] ${cutSeconds} s link cut: loss noticed after ${detected.toFixed(1)} s (websocket closed after ` +
      `${((wsClosed - cut) / 1000).toFixed(1)} s); the link was up ${((restored - restoring) / 1000).toFixed(2)} s after ` +
      `'ip link set up'; from then: tunnel usable in ${usable.toFixed(2)} s, kernel ` +
      `websocket open again in ${wsBack.toFixed(2)} s; ${seen.filter((h) => h.state === 'reconnecting').length} health changes while reconnecting`,
  );
  // ssh2 sends a keepalive an interval after the last answer, and gives up on the interval after the count-th goes
  // unanswered: count + 1 intervals after the last answer, so count to count + 1 intervals after the cut (12-16 s
  // with the defaults, 4 s × 3), and a second for a loaded machine.
  const { keepaliveIntervalSeconds: interval, keepaliveCountMax: count } = target;
  expect(detected).toBeLessThanOrEqual((count + 1) * interval + 1);
  expect(usable).toBeLessThan(2);
  expect(wsBack).toBeLessThan(2);
  const states = seen.map((h) => h.state).filter((state, i, all) => state !== all[i - 1]);
  expect(states).toEqual(['reconnecting', 'connected']);
}, 90_000);
