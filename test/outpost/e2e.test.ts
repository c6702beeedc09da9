// End to end, as a person uses it: a start through the Outpost stand-in, the lab reached through hubtray's tunnel via
// the SSH node (a real sshd), the lab calling hubtray's personal hub back through an SSH remote forward on that node,
// and Debian's Chromium opening the server: it lands in the Jupyter page, logged in through the personal hub's OAuth
// round trip, with no password page on the way. A lab with certs (internal SSL, which only talks to clients holding a
// certificate its CA signed) opens the same way, through hubtray's TLS relay. A further port of the lab's host
// (extra_forwards) goes through the ssh_node connection too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startOutpostStandIn, STAND_IN_HUB, STAND_IN_PASSWORD, type StandInOutpost } from '../fixtures/outpost-stand-in.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { launchChromium, screenshot } from '../renderer/browser.js';
import { fetchMarker, startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';
import { makeTestCa, type TestCa } from './test-ca.js';

let outpost: StandInOutpost;
let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;
let browser: Browser;
let ca: TestCa;
let dashboard: RemoteListener;

beforeAll(async () => {
  [outpost, sshd, browser, dashboard] = await Promise.all([startOutpostStandIn(), startSshd({ logLevel: 'DEBUG1' }), launchChromium(), startRemoteListener('dashboard beside the lab')]);
  client = await writeClientConfig([{ alias: 'outpost-node', sshd }]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  ca = await makeTestCa('e2e');
  const lab = await ca.issue('lab');
  const cluster = {
    kind: 'outpost',
    request_url: outpost.requestUrl,
    ssh_node: 'outpost-node',
    ssh_username: null,
    ssh_create_remote_forward: true,
    default_url: '/tree',
    // Bookworm has no JupyterLab; the classic notebook serves the page a person lands on. It travels in the
    // environment, which keeps JUPYTERHUB_* variables.
    environment: { JUPYTERHUB_SINGLEUSER_APP: 'notebook.notebookapp.NotebookApp' },
    // With ssh_node, a further port of the lab's host goes through the same SSH connection as the lab's tunnel.
    extra_forwards: [{ name: 'dash', remote_port: dashboard.port }],
  };
  h = await openHub(makeHome({ systems: { cluster, internal: { ...cluster, certs: { keyfile: lab.keyFile, certfile: lab.certFile, cafile: ca.caFile } } } }));
  await h.hub.setSecret({ key: `outpost-credentials/${outpost.requestUrl}`, value: JSON.stringify({ username: STAND_IN_HUB, password: STAND_IN_PASSWORD }) });
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
  if (h) removeHome(h.home);
  await Promise.all([outpost?.stop(), sshd?.stop(), client?.cleanup(), ca?.cleanup(), dashboard?.stop()]);
  delete process.env.HUBTRAY_SSH_CONFIG;
});

it('opens the lab through the tunnel, logged in by the OAuth round trip; the lab reaches hubtray through the remote forward', async () => {
  await h.hub.start({ system: 'cluster', name: 'lab1' });
  const running = await h.waitFor('lab1', ['running', 'failed', 'cancelled'], 60_000);
  expect(running.reason).toBeNull();
  expect(running.tunnel.state).toBe('connected');
  expect(running.forwardsVia).toBe('ssh');
  const dash = running.forwards?.find((f) => f.name === 'dash');
  expect(dash).toMatchObject({ via: 'ssh', health: { state: 'connected' } });
  expect(await fetchMarker(dash?.url ?? '')).toBe('dashboard beside the lab');

  // The lab was told to call the personal hub at the remote forward's port on the SSH node, not at the hub's own.
  const hubPort = (JSON.parse(readFileSync(join(h.home, 'personal-hub.json'), 'utf8')) as { port: number }).port;
  const env = (outpost.rows()[0]?.body.env ?? {}) as Record<string, string>;
  const apiUrl = new URL(env.JUPYTERHUB_API_URL as string);
  expect(apiUrl.hostname).toBe('127.0.0.1');
  expect(Number(apiUrl.port)).not.toBe(hubPort);
  expect(env.JUPYTERHUB_HOST).toBe(`http://127.0.0.1:${hubPort}`);
  // sshd listened there for hubtray (tcpip-forward) and handed the lab's calls over to it.
  const sshdLog = await sshd.log();
  expect(sshdLog).toContain('tcpip-forward listen 127.0.0.1');
  expect(sshdLog).toContain(`Connection to port ${apiUrl.port} forwarding`);
  // And the lab is reached on a local tunnel port, not at the address the Outpost gave.
  const service = outpost.rows()[0]?.service as string;
  expect(new URL(running.url as string).port).not.toBe(service.split(':')[1]);

  await opensLoggedIn('lab1', running.url as string, 'outpost-lab-logged-in');
  await h.hub.stop({ name: 'lab1' });
  expect(outpost.rows()).toEqual([]);
});

it('opens a lab with certs through the TLS relay, logged in the same way', async () => {
  await h.hub.start({ system: 'internal', name: 'lab2' });
  const running = await h.waitFor('lab2', ['running', 'failed', 'cancelled'], 60_000);
  expect(running.reason).toBeNull();
  expect(outpost.rows()[0]?.body.env).toMatchObject({ JUPYTERHUB_SERVICE_URL: expect.stringMatching(/^https:/) });
  expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  await opensLoggedIn('lab2', running.url as string, 'outpost-internal-ssl-lab-logged-in');
  await h.hub.stop({ name: 'lab2' });
  expect(outpost.rows()).toEqual([]);
});

/** Opens the server as the tray does, and checks the browser lands in the lab, logged in through OAuth. */
async function opensLoggedIn(name: string, serverUrl: string, shot: string): Promise<void> {
  const { url } = await h.hub.open({ name });
  expect(url).not.toContain('token=');
  const page = await browser.newPage();
  const visited: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest()) visited.push(request.url());
  });
  await page.goto(url);
  await page.waitForURL(new RegExp(`/user/[^/]+/${name}/tree`), { timeout: 30_000 });
  await page.waitForLoadState('domcontentloaded');
  await screenshot(page, shot);
  expect(new URL(page.url()).port).toBe(new URL(serverUrl).port);
  expect(await page.title()).toMatch(/Home|Jupyter/);
  // No password page: the way in went through the personal hub's authorize and the lab's oauth_callback.
  expect(await page.locator('input[type=password]').count()).toBe(0);
  await expect(page.getByText('Logout').count()).resolves.toBeGreaterThan(0);
  expect(visited.some((u) => u.includes('/hub/api/oauth2/authorize'))).toBe(true);
  expect(visited.some((u) => u.includes(`/${name}/oauth_callback`))).toBe(true);
  await page.close();
}
