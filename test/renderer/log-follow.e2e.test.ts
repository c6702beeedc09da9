// The window's log view follows the server's log as it grows (issue 14, item 4), in Debian's Chromium against a real
// `hubtray serve` and Debian's Jupyter on this computer, after a log of some 300 KB: the newest part first with
// "Load earlier", new lines at the bottom and the view kept there, but left alone once the person scrolled up to
// read. Screenshots at the window's size and the tray popup's go to test-results/renderer/.
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { localJupyter, makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { launchChromium, screenshot } from './browser.js';
import { printedUiUrl, tokenOf } from './serve-ui.js';

const PREAMBLE_LINES = 5000;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: HubClient;
let uiUrl: string;
let labUrl: string;

beforeAll(async () => {
  serve = await startServe(
    makeHome({
      systems: {
        chatty: {
          ...localJupyter,
          cmd: ['/bin/sh', '-c', `awk 'BEGIN { for (i = 0; i < ${PREAMBLE_LINES}; i++) printf "preamble %05d ${'.'.repeat(50)}\\n", i }'; exec /usr/bin/jupyter server "$@"`, 'sh'],
        },
      },
    }),
  );
  uiUrl = await printedUiUrl(serve);
  api = createHubClient(serve.url, tokenOf(uiUrl));
  await api.start({ system: 'chatty', name: 'chatty' });
  for (let waited = 0; ; waited += 200) {
    const server = (await api.listServers({})).find((s) => s.name === 'chatty');
    if (server?.status === 'running' && server.url) {
      labUrl = server.url;
      break;
    }
    if (server?.status !== 'starting' || waited > 30_000) throw new Error(`chatty did not start: ${server?.status} ${server?.reason}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});

afterAll(async () => {
  await api?.stop({ name: 'chatty', now: true }).catch(() => undefined);
  await api?.close();
  await browser?.close();
  await serve?.stop();
  if (serve) rmSync(serve.home, { recursive: true, force: true });
});

const log = () => page.getByLabel('Log of chatty');
const text = () => log().textContent();
/** The log view's scroll: how far from the top, and from the bottom. */
const scroll = () => log().evaluate((el) => ({ top: el.scrollTop, fromBottom: el.scrollHeight - el.clientHeight - el.scrollTop }));
/** Makes Jupyter write a line to its log: it logs a 404 at WARNING. */
const probe = async (name: string) => {
  await fetch(new URL(`api/${name}`, labUrl)).catch(() => undefined);
  return name;
};

describe('the log view', () => {
  it('shows the newest part of a big log, follows it at the bottom, and leaves a person who scrolled up alone', async () => {
    // The token is in the address's fragment: the page takes it, then moves to the server's page.
    await page.goto(uiUrl);
    await page.locator('[data-server="chatty"]').first().waitFor();
    await page.evaluate(() => (window.location.hash = '#/servers/chatty'));
    await page.getByRole('button', { name: 'Show log' }).click();
    await expect.poll(text).toMatch(/Jupyter Server .* is running at/);
    // The newest part only: the preamble's first lines are above, behind "Load earlier".
    expect(await text()).not.toContain('preamble 00000 ');
    await expect.poll(() => page.getByRole('button', { name: 'Load earlier' }).isVisible()).toBe(true);
    expect((await scroll()).fromBottom).toBeLessThan(30);

    const first = await probe(`follow-probe-bottom-${Date.now()}`);
    await expect.poll(text).toContain(first);
    await expect.poll(async () => (await scroll()).fromBottom).toBeLessThan(30);
    await screenshot(page, 'log-follow-1280x800');

    // Scrolled up to read: new lines arrive, the view stays where the person put it.
    await log().evaluate((el) => el.scrollTo({ top: 0 }));
    const second = await probe(`follow-probe-scrolled-${Date.now()}`);
    await expect.poll(text).toContain(second);
    expect((await scroll()).top).toBe(0);
  });

  it('loads earlier parts above what is shown, keeping the same lines in sight', async () => {
    const before = await text();
    const earliest = () => Number(/preamble (\d{5}) /.exec((before as string) ?? '')?.[1]);
    expect(earliest()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Load earlier' }).click();
    await expect.poll(async () => (await text())?.length ?? 0).toBeGreaterThan(before?.length ?? 0);
    const now = (await text()) as string;
    expect(now.endsWith(before as string)).toBe(true);
    expect(now).toContain(`preamble ${String(earliest() - 1).padStart(5, '0')} `);
    // What the person was looking at (the top of the old text) is still in sight, not pushed down by the new part.
    expect((await scroll()).top).toBeGreaterThan(0);
  });

  it('fits the tray popup', async () => {
    await page.setViewportSize({ width: 420, height: 640 });
    await log().evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await log().scrollIntoViewIfNeeded();
    const box = await log().boundingBox();
    expect(box?.width).toBeLessThanOrEqual(420);
    await screenshot(page, 'log-follow-420x640');
  });
});
