// Further ports of a server on a remote JupyterHub, where no SSH leads: links through the server's
// jupyter-server-proxy, against a real JupyterHub 3.0.0 whose single-user servers load the stand-in for
// jupyter-server-proxy (testkit/server-proxy-stand-in: the real one is not installable here). A dashboard beside
// Jupyter is a real HTTP server on 127.0.0.1 that records what reaches it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';

let hub: JupyterHubFixture;
let h: HubHarness;
let aliceToken: string;
let dashboard: http.Server;
let dashboardPort: number;
const reached: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];

beforeAll(async () => {
  dashboard = http.createServer((req, res) => {
    reached.push({ url: req.url ?? '', headers: req.headers });
    res.end(`dashboard at ${req.url}`);
  });
  await new Promise<void>((resolve) => dashboard.listen(0, '127.0.0.1', resolve));
  dashboardPort = (dashboard.address() as AddressInfo).port;
  hub = await startJupyterHub({ serverProxy: true });
  aliceToken = await hub.userToken('alice');
  const form = { fields: [{ name: 'server_proxy', type: 'text' }] };
  const base = { kind: 'jupyterhub', hub_url: hub.url, poll_interval: 0.5, retries: 2, retry_delay: 0.2, options_form: form, allow_named_servers: true, remove_named_servers: true };
  h = await openHub(
    makeHome({
      systems: {
        uni: { ...base, server_name: 'dash', extra_forwards: [{ name: 'dask', remote_port: dashboardPort }] },
        plain: { ...base, server_name: 'plain' },
      },
    }),
  );
  await h.hub.setSecret({ key: `jupyterhub-token/${hub.url}`, value: aliceToken });
}, 120_000);

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await hub?.stop();
  dashboard?.close();
});

/** What a browser logged in to the server gets at a link (the test logs in with the user's own hub token). */
async function browse(url: string): Promise<{ status: number; text: string }> {
  const res = await request(url, { headers: { authorization: `token ${aliceToken}` } });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('forwards of a jupyterhub server, through its jupyter-server-proxy', () => {
  it("opens the system's extra_forwards as links once the server runs; the link reaches the dashboard, and no token of hubtray's is in it", async () => {
    await h.hub.start({ system: 'uni', name: 'dash' });
    const running = await h.waitFor('dash', ['running', 'failed'], 150_000);
    expect(running.reason).toBeNull();
    expect(running.forwardsVia).toBe('server-proxy');
    const [dask] = running.forwards ?? [];
    expect(dask).toMatchObject({ name: 'dask', remotePort: dashboardPort, via: 'server-proxy', health: { state: 'connected' }, origin: 'config' });
    expect(dask?.url).toBe(`${hub.url}user/alice/dash/proxy/${dashboardPort}/`);
    expect(dask).not.toHaveProperty('localPort');
    // jupyter-server-proxy hands a link's query on to the dashboard: a token in it would reach the dashboard too.
    expect(new URL(dask?.url ?? '').search).toBe('');
    // Asking whether the server has jupyter-server-proxy reached no dashboard: nothing of hubtray's went through.
    expect(reached).toEqual([]);

    const page = await browse(`${dask?.url}status?tab=workers`);
    expect(page).toEqual({ status: 200, text: 'dashboard at /status?tab=workers' });
    expect(reached.at(-1)?.headers['x-forwarded-context']).toBe(`/user/alice/dash/proxy/${dashboardPort}`);
  }, 200_000);

  it('adds a link at run time, refuses a local port for it, and closes it', async () => {
    const other = http.createServer((_req, res) => res.end('tensorboard'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as AddressInfo).port;
    try {
      await expect(h.hub.forward({ name: 'dash', remotePort: port, localPort: 16006 })).rejects.toThrow(/jupyter-server-proxy, whose links have no local port/);
      const info = await h.hub.forward({ name: 'dash', remotePort: port, label: 'tb' });
      const tb = info.forwards?.find((f) => f.name === 'tb');
      expect(tb).toMatchObject({ via: 'server-proxy', origin: 'added', url: `${hub.url}user/alice/dash/proxy/${port}/` });
      await expect(browse(tb?.url ?? '')).resolves.toEqual({ status: 200, text: 'tensorboard' });
      const after = await h.hub.unforward({ name: 'dash', forward: 'tb' });
      expect(after.forwards?.map((f) => f.name)).toEqual(['dask']);
    } finally {
      other.close();
    }
  });

  it('says plainly that a server without jupyter-server-proxy has no way to its ports, and what to install', async () => {
    await h.hub.start({ system: 'plain', name: 'plain', options: { server_proxy: 'off' } });
    const running = await h.waitFor('plain', ['running', 'failed'], 150_000);
    expect(running.reason).toBeNull();
    const refused = h.hub.forward({ name: 'plain', remotePort: dashboardPort });
    await expect(refused).rejects.toThrow(/^cannot forward port \d+ of plain: no SSH leads to this server, and it has no jupyter-server-proxy/);
    await expect(refused).rejects.toThrow(/pip install jupyter-server-proxy/);
    // The server itself is unharmed: still running, nothing added.
    expect((await h.hub.listServers()).find((s) => s.name === 'plain')).toMatchObject({ status: 'running' });
    expect((await h.hub.listServers()).find((s) => s.name === 'plain')?.forwards).toBeUndefined();
  }, 200_000);

  it('a stopped server offers no way to forward its ports', async () => {
    await h.hub.stop({ name: 'plain', now: true });
    const stopped = (await h.hub.listServers()).find((s) => s.name === 'plain');
    expect(stopped).not.toHaveProperty('forwardsVia');
  });
});
