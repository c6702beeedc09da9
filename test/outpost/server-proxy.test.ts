// Further ports of an Outpost's lab without ssh_node (no SSH leads to its host): links through the lab's
// jupyter-server-proxy, as a person uses them. The lab is Debian's real jupyterhub-singleuser, started by the Outpost
// stand-in, with the stand-in for jupyter-server-proxy loaded (the real one is not installable here); Debian's
// Chromium logs in to the lab through the personal hub's OAuth, as hubtray's Open does, and then follows the link to a
// real HTTP dashboard on 127.0.0.1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serverProxyStandIn } from '../fixtures/jupyterhub.js';
import { launchChromium } from '../renderer/browser.js';
import { outpostRig, type OutpostRig } from './helpers.js';

let rig: OutpostRig;
let browser: Browser;
let dashboard: http.Server;
let dashboardPort: number;
const reached: string[] = [];

beforeAll(async () => {
  dashboard = http.createServer((req, res) => {
    reached.push(req.url ?? '');
    res.setHeader('content-type', 'text/html');
    res.end(`<title>dashboard</title><p>dashboard at ${req.url}</p>`);
  });
  await new Promise<void>((resolve) => dashboard.listen(0, '127.0.0.1', resolve));
  dashboardPort = (dashboard.address() as AddressInfo).port;
  browser = await launchChromium();
  rig = await outpostRig({
    direct: {
      // The lab lands on its own API, which jupyter-server answers without a UI package (Bookworm has no JupyterLab).
      default_url: '/api/status',
      environment: { JUPYTER_CONFIG_PATH: serverProxyStandIn },
      extra_forwards: [{ name: 'dask', remote_port: dashboardPort }],
    },
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  dashboard?.close();
});

it("a lab without ssh_node gets its extra_forwards as links through its jupyter-server-proxy, which the browser logged in to the lab opens", async () => {
  await rig.h.hub.start({ system: 'direct', name: 'lab' });
  const running = await rig.h.waitFor('lab', ['running', 'failed', 'cancelled'], 90_000);
  expect(running.reason).toBeNull();
  expect(running.forwardsVia).toBe('server-proxy');
  const dask = running.forwards?.find((f) => f.name === 'dask');
  expect(dask).toMatchObject({ via: 'server-proxy', health: { state: 'connected' }, url: `${running.url}proxy/${dashboardPort}/` });

  const page = await browser.newPage();
  try {
    const { url } = await rig.h.hub.open({ name: 'lab' });
    await page.goto(url);
    await page.waitForURL(/\/api\/status$/, { timeout: 30_000 });
    await page.goto(`${dask?.url}status`);
    await expect(page.locator('p').textContent()).resolves.toBe('dashboard at /status');
    expect(reached).toEqual(['/status']);
  } finally {
    await page.close();
  }
  await rig.h.hub.stop({ name: 'lab' });
}, 150_000);
