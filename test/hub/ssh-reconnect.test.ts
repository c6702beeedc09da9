// The Hub across an sshd outage: the tunnel's health is visible as events, it comes back on the same local port, and
// a server that died meanwhile is marked stopped by the first poll after the reconnect, not at the next interval.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TunnelHealth } from '../../shared/api.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, openHub, pidAlive, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;

beforeAll(async () => {
  sshd = await startSshd();
  client = await writeClientConfig([{ alias: 'lab', sshd }], { trust: true });
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  h = await openHub(
    makeHome({
      // A poll interval far longer than the test: only the reconnect can trigger the poll that notices.
      systems: { lab: { kind: 'ssh', host: 'lab', cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'], poll_interval: 3600 } },
    }),
  );
});

afterAll(async () => {
  await h?.close();
  await sshd?.stop();
  await client?.cleanup();
  if (h) removeHome(h.home);
  delete process.env.HUBTRAY_SSH_CONFIG;
});

function tunnelStates(name: string): TunnelHealth['state'][] {
  return h.events.flatMap((e) => (e.event === 'server' && e.data.name === name ? [e.data.tunnel.state] : []));
}

describe('ssh system across an sshd outage', () => {
  it('reconnects on the same port, and the first poll after it reports a server that died meanwhile', { timeout: 180_000 }, async () => {
    await h.hub.start({ system: 'lab', name: 'outage' });
    const running = await h.waitFor('outage', ['running', 'failed']);
    expect(running.status).toBe('running');
    const pid = h.savedState('outage').pid as number;

    await sshd.kill();
    // The server is detached from the SSH session: an outage alone does not end it.
    expect(pidAlive(pid)).toBe(true);
    // Traffic through the tunnel finds the link down and turns the health to reconnecting.
    await request(running.url!).then((r) => r.body.dump()).catch(() => undefined);
    for (let i = 0; i < 50 && !tunnelStates('outage').includes('reconnecting'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(tunnelStates('outage')).toContain('reconnecting');
    const reconnecting = (await h.hub.listServers()).find((s) => s.name === 'outage')!;
    expect(reconnecting.tunnel.lastError).toBeTruthy();

    process.kill(pid, 'SIGKILL');
    await sshd.restart();
    // The link retries with backoff (up to 16 s apart after an outage of some seconds) and sshd may take seconds
    // to come back on a loaded machine; the bound leaves room for both, and a miss says where the tunnel was.
    const stopped = await h.waitFor('outage', ['stopped'], 90_000).catch((error: Error) => {
      throw new Error(`${error.message}; the tunnel went ${tunnelStates('outage').join(' -> ')}`);
    });
    expect(stopped.reason).toMatch(/the server exited/);
    expect(tunnelStates('outage').lastIndexOf('connected')).toBeGreaterThan(tunnelStates('outage').indexOf('reconnecting'));
  });
});
