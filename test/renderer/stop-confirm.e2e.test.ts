// Stop asks first when kernels are busy (issue 14, item 7), never otherwise: in Debian's Chromium against a real
// `hubtray serve` and Debian's Jupyter server with its ipykernel. The test makes a kernel busy the way JupyterLab
// does: it starts one with POST /api/kernels and runs `time.sleep` through the kernel's websocket channel
// (testkit/jupyter-kernel.ts).
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import type { ServerInfo } from '../../shared/api.js';
import { localJupyter, makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { KernelChannels, startKernel } from '../../testkit/jupyter-kernel.js';
import { launchChromium, screenshot } from './browser.js';
import { openLoggedIn, printedUiUrl, stopLeftovers, tokenOf } from './serve-ui.js';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: HubClient;
let uiUrl: string;
const channels: KernelChannels[] = [];

beforeAll(async () => {
  serve = await startServe(makeHome({ systems: { here: localJupyter } }));
  uiUrl = await printedUiUrl(serve);
  api = createHubClient(serve.url, tokenOf(uiUrl));
  browser = await launchChromium();
  page = await openLoggedIn(browser, uiUrl);
});

afterAll(async () => {
  for (const kernel of channels) kernel.close();
  await stopLeftovers(api);
  await api?.close();
  await browser?.close();
  await serve?.stop();
  if (serve) rmSync(serve.home, { recursive: true, force: true });
});

async function status(name: string): Promise<ServerInfo['status'] | undefined> {
  return (await api.listServers({})).find((s) => s.name === name)?.status;
}

/** The server's own address and token, as Open hands them to a browser. */
async function jupyterOf(name: string): Promise<{ base: URL; token: string }> {
  const { url } = await api.open({ name });
  const opened = new URL(url);
  return { base: new URL('/', opened), token: opened.searchParams.get('token') ?? '' };
}

async function kernels(name: string): Promise<Array<{ id: string; execution_state: string }>> {
  const { base, token } = await jupyterOf(name);
  const res = await fetch(new URL('api/kernels', base), { headers: { authorization: `token ${token}` } });
  return (await res.json()) as Array<{ id: string; execution_state: string }>;
}

/** Starts a kernel on the server and opens its channels, as JupyterLab does when it opens a notebook. */
async function startIdleKernel(name: string): Promise<{ id: string; channels: KernelChannels }> {
  const { base, token } = await jupyterOf(name);
  const kernel = await startKernel(base, token);
  channels.push(kernel.channels);
  return kernel;
}

describe('Stop asks first when kernels are busy, never otherwise', () => {
  it('1. a server whose kernel runs code asks; Keep running keeps it, Stop anyway stops it', async () => {
    await api.start({ system: 'here', name: 'busy' });
    await expect.poll(() => status('busy'), { timeout: 150_000 }).toBe('running');
    const kernel = await startIdleKernel('busy');
    await kernel.channels.begin('import time\ntime.sleep(600)');
    await expect.poll(async () => (await kernels('busy')).find((k) => k.id === kernel.id)?.execution_state, { timeout: 30_000 }).toBe('busy');
    expect(await api.kernels({ name: 'busy' })).toEqual({ total: 1, busy: 1 });

    await page.goto(new URL('#/servers/busy', uiUrl).toString());
    await page.getByRole('button', { name: 'Stop busy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stop busy?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('A kernel is running code right now');
    await screenshot(page, '14-stop-busy-asks');
    await dialog.getByRole('button', { name: 'Keep running' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await status('busy')).toBe('running');

    // The tray's Stop (electron/core/desktop/tray-stop.ts) opens the window here when kernels are busy: the page asks.
    await page.goto(new URL('#/servers/busy/stop', uiUrl).toString());
    await dialog.waitFor();
    expect(new URL(page.url()).hash).toBe('#/servers/busy');
    await screenshot(page, '14-stop-busy-asks-for-tray');
    await dialog.getByRole('button', { name: 'Keep running' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await status('busy')).toBe('running');

    await page.getByRole('button', { name: 'Stop busy' }).click();
    await dialog.getByRole('button', { name: 'Stop anyway' }).click();
    await expect.poll(() => status('busy'), { timeout: 30_000 }).toBe('stopped');
  }, 300_000);

  it('2. a server whose kernel is idle stops at once, unasked', async () => {
    await api.start({ system: 'here', name: 'calm' });
    await expect.poll(() => status('calm'), { timeout: 150_000 }).toBe('running');
    await startIdleKernel('calm');
    expect(await api.kernels({ name: 'calm' })).toEqual({ total: 1, busy: 0 });
    await page.goto(new URL('#/servers/calm', uiUrl).toString());
    await page.getByRole('button', { name: 'Stop calm' }).click();
    await expect.poll(() => status('calm'), { timeout: 30_000 }).not.toBe('running');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => status('calm'), { timeout: 30_000 }).toBe('stopped');
  }, 300_000);
});
