// The window's Ports section for a server no SSH leads to, in Debian's Chromium against a real `hubtray serve` and a
// real JupyterHub whose single-user servers load the jupyter-server-proxy stand-in: it says its ports open as links
// through jupyter-server-proxy, offers no local port and no Find ports, and a port forwarded from the form shows the
// server's /proxy/PORT/ link. Covers: a dashboard reached through a hub's own proxy, with no SSH at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { removeHome } from '../fixtures/hub-harness.js';
import { startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';
import { screenshot } from './browser.js';
import { openUi, type UiSession } from './serve-ui.js';

let hub: JupyterHubFixture;
let serve: ServeProcess;
let ui: UiSession;

beforeAll(async () => {
  hub = await startJupyterHub({ serverProxy: true });
  const token = await hub.userToken('alice');
  serve = await startServe(makeHome({ systems: { uni: { kind: 'jupyterhub', hub_url: hub.url, poll_interval: 1, retries: 2, retry_delay: 0.2 } } }));
  ui = await openUi(serve);
  await ui.api.setSecret({ key: `jupyterhub-token/${hub.url}`, value: token });
}, 120_000);

afterAll(async () => {
  await ui?.close();
  await serve?.stop();
  if (serve) removeHome(serve.home);
  await hub?.stop();
});

describe('the Ports section of a server on a JupyterHub', () => {
  it('forwards a port as a link through its jupyter-server-proxy, without a local port or port discovery', { timeout: 180_000 }, async () => {
    const { api, page, uiUrl } = ui;
    await api.start({ system: 'uni', name: 'hubbed' });
    await expect.poll(async () => (await api.listServers({})).find((s) => s.name === 'hubbed')?.status, { timeout: 150_000 }).toBe('running');
    await page.goto(new URL('#/servers/hubbed', uiUrl).toString());
    const ports = page.locator('section.ports');
    await expect(ports.textContent()).resolves.toContain('its ports open as links through its jupyter-server-proxy');
    const form = page.getByRole('form', { name: 'Forward a port of hubbed' });
    expect(await form.getByLabel('Local port').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Find ports' }).count()).toBe(0);

    await form.getByLabel('Remote port').fill('8787');
    await form.getByLabel('Name').fill('dask');
    await form.getByRole('button', { name: 'Forward' }).click();
    const link = page.locator('.port-list a');
    await link.waitFor();
    expect(await link.textContent()).toBe(`${hub.url}user/alice/proxy/8787/`);
    expect(await page.locator('.port-list li').textContent()).toContain('link through jupyter-server-proxy');
    await screenshot(page, '15-ports-link');
  });
});
