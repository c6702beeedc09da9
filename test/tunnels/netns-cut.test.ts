// A remote host in a network namespace loses its link for 30 s, then gets it back. Through hubtray's tunnel: the
// keepalives, with the product's default settings, notice the loss in about 15 s, the tunnel is usable again within 2 s of the restore on the same local port, and a
// Jupyter kernel's websocket reconnects to a kernel that kept its state.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { expect, test } from 'vitest';
import WebSocket from 'ws';
import type { TunnelHealth } from '../../shared/api.js';
import { SshHostSettings } from '../../shared/config.js';
import { watchNetwork } from '../../electron/core/ssh/ssh-pool.js';
import { sshTarget } from '../../electron/core/ssh/ssh-target.js';
import { testPool } from '../ssh/test-pool.js';
import { farHostForThisFile, httpGet, secondsUntilWorks, sleep, until } from './helpers.js';

const cutSeconds = 30;
const far = farHostForThisFile({ jupyter: true });

/** A kernel's websocket, speaking just enough of the Jupyter messaging protocol to run code and read its output. */
class KernelChannels {
  private readonly session = randomUUID();

  private constructor(private readonly ws: WebSocket) {}

  static open(url: string, token: string): Promise<KernelChannels> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Authorization: `token ${token}` }, handshakeTimeout: 5000 });
      ws.once('open', () => resolve(new KernelChannels(ws)));
      ws.once('error', reject);
    });
  }

  get closed(): Promise<void> {
    return new Promise((resolve) => (this.ws.readyState === WebSocket.CLOSED ? resolve() : this.ws.once('close', () => resolve())));
  }

  /** Runs `code`; resolves with its stdout once the kernel replied ok and went idle (on two channels, in either order). */
  execute(code: string): Promise<string> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      let stdout = '';
      let status: string | undefined;
      let idle = false;
      const timer = setTimeout(() => reject(new Error(`${code}: no answer from the kernel within 20 s`)), 20_000);
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as {
          msg_type: string;
          parent_header: { msg_id?: string };
          content: { name?: string; text?: string; status?: string; execution_state?: string };
        };
        if (message.parent_header.msg_id !== id) return;
        if (message.msg_type === 'stream' && message.content.name === 'stdout') stdout += message.content.text ?? '';
        if (message.msg_type === 'execute_reply') status = message.content.status;
        if (message.msg_type === 'status' && message.content.execution_state === 'idle') idle = true;
        if (!idle || status === undefined) return;
        this.ws.off('message', onMessage);
        clearTimeout(timer);
        if (status === 'ok') resolve(stdout);
        else reject(new Error(`${code}: ${status}`));
      };
      this.ws.on('message', onMessage);
      this.ws.send(
        JSON.stringify({
          header: { msg_id: id, session: this.session, username: 'test', msg_type: 'execute_request', version: '5.3', date: new Date().toISOString() },
          parent_header: {},
          metadata: {},
          content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
          channel: 'shell',
          buffers: [],
        }),
      );
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

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
