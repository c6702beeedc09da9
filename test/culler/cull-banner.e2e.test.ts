// The idle culler's banner in Debian's Chromium against a real `hubtray serve` and a real Jupyter on this computer:
// the warning shows the server, its system and the countdown; "Keep running" takes it away until the next warning;
// "Stop now" stops the server. Screenshots go to test-results/renderer/.
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { localJupyter, makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { launchChromium, screenshot } from '../renderer/browser.js';
import { openLoggedIn, printedUiUrl, stopLeftovers, tokenOf } from '../renderer/serve-ui.js';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: HubClient;

beforeAll(async () => {
  // Warned 15 s ahead of a 20 s idle timeout: time enough to see the banner and press its buttons.
  serve = await startServe(makeHome({ systems: { gpubox: { ...localJupyter, cull_idle_timeout: 20, cull_warning: 15, cull_every: 1 } } }));
  const uiUrl = await printedUiUrl(serve);
  api = createHubClient(serve.url, tokenOf(uiUrl));
  browser = await launchChromium();
  page = await openLoggedIn(browser, uiUrl);
});

afterAll(async () => {
  await stopLeftovers(api);
  await api?.close();
  await browser?.close();
  await serve?.stop();
  if (serve) rmSync(serve.home, { recursive: true, force: true });
});

const status = async () => (await api.listServers({})).find((s) => s.name === 'analysis');

it('warns in a banner with a countdown, keeps the server on "Keep running", and stops it on "Stop now"', { timeout: 120_000 }, async () => {
  await api.start({ system: 'gpubox', name: 'analysis' });
  await expect.poll(async () => (await status())?.status, { timeout: 60_000 }).toBe('running');
  const banner = page.locator('[data-cull="analysis"]');
  await banner.waitFor({ timeout: 30_000 });
  expect(await banner.textContent()).toMatch(/^The idle culler stops analysis on gpubox in \d+ sKeep runningStop now$/);
  await screenshot(page, 'cull-banner');

  await banner.getByRole('button', { name: 'Keep running' }).click();
  await banner.waitFor({ state: 'detached' });
  expect((await status())?.status).toBe('running');

  await banner.waitFor({ timeout: 30_000 });
  await banner.getByRole('button', { name: 'Stop now' }).click();
  await expect.poll(async () => (await status())?.status, { timeout: 30_000 }).toBe('stopped');
  expect((await status())?.reason).toBe('stopped by the user');
  await banner.waitFor({ state: 'detached' });
});
