// An extra forward across an sshd restart (a login node rebooted, a link cut): the forward heals with the server's
// tunnel on the same local port, so an open dashboard tab carries on. Real sshd, killed and started again on its port;
// a real http.server on the remote side. Covers: a connection lost and rebuilt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { fetchMarker, startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';

let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;
let dask: RemoteListener;

beforeAll(async () => {
  [sshd, dask] = await Promise.all([startSshd(), startRemoteListener('dask dashboard')]);
  client = await writeClientConfig([{ alias: 'lab', sshd }], { trust: true });
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  h = await openHub(
    makeHome({
      systems: {
        lab: { kind: 'ssh', host: 'lab', cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'], poll_interval: 3600, extra_forwards: [{ name: 'dask', remote_port: dask.port }] },
      },
    }),
  );
});

afterAll(async () => {
  await h?.close();
  await Promise.all([sshd?.stop(), dask?.stop()]);
  await client?.cleanup();
  if (h) removeHome(h.home);
  delete process.env.HUBTRAY_SSH_CONFIG;
});

describe('an extra forward across an sshd restart', () => {
  it('comes back on the same local port', { timeout: 120_000 }, async () => {
    await h.hub.start({ system: 'lab', name: 'heal' });
    const running = await h.waitFor('heal', ['running', 'failed']);
    const url = running.forwards?.[0]?.url ?? '';
    expect(await fetchMarker(url)).toBe('dask dashboard');

    await sshd.kill();
    // A request while sshd is down finds the link gone: the forward's health says it is reconnecting.
    expect(await fetchMarker(url)).toBeNull();
    const down = (await h.hub.listServers()).find((s) => s.name === 'heal')?.forwards?.[0];
    expect(down?.health.state).toBe('reconnecting');
    await sshd.restart();

    await expect.poll(() => fetchMarker(url), { timeout: 60_000, interval: 500 }).toBe('dask dashboard');
    const healed = (await h.hub.listServers()).find((s) => s.name === 'heal')?.forwards?.[0];
    expect(healed).toMatchObject({ url, health: { state: 'connected' } });
  });
});
