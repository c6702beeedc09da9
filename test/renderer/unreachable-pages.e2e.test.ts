// The pages besides the servers list while `hubtray serve` is down (issue 14, item 6), in Debian's Chromium: a
// running server's own page shows its state as unknown, greyed, its actions disabled; the Start page, the Systems
// page and a system's editor disable what would ask the hub (Start, Remove, Reload, Test connection, Save). Each says
// why once on the page and in the title of every disabled button, so no click goes to a dead hub. Served again on
// the same HUBTRAY_HOME, every tab enables them again without a reload (restart.e2e.test.ts has the servers list).
// The server, Debian's Jupyter on this computer, runs on while serve is down. Screenshots go to test-results/renderer/.
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { uiAccessKey } from '../../electron/core/boundary/registration.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { localJupyter, makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { launchChromium, screenshot } from './browser.js';
import { openLoggedIn, printedUiUrl, stopLeftovers, tokenOf } from './serve-ui.js';

const home = makeHome({ systems: { here: localJupyter } });
let serve: ServeProcess | undefined;
let api: HubClient | undefined;
let browser: Browser;

/** Each tab, at its page, and what on it asks the hub: a button's accessible name. */
const tabs = {
  detail: { hash: '#/servers/keeper', buttons: ['Open keeper in the browser', 'Stop keeper', 'Show log'] },
  start: { hash: '#/start/here', buttons: ['Start on here'] },
  systems: { hash: '#/systems', buttons: ['Remove here', 'Reload config.json'] },
  editor: { hash: '#/edit-system/here', buttons: ['Test connection', 'Save'] },
} as const;
type Tab = keyof typeof tabs;
const tabNames = Object.keys(tabs) as Tab[];
const pages = {} as Record<Tab, Page>;

const reason = /^hubtray's hub is not reachable; /;
const button = (tab: Tab, name: string) => pages[tab].getByRole('button', { name, exact: true });
const detail = () => pages.detail.locator('.server-detail');
const chip = () => detail().locator('.card-head [data-status]');
/** Marks a tab's document; a reload would lose the mark. */
const mark = (page: Page) => page.evaluate(() => ((window as unknown as { hubtrayMark?: number }).hubtrayMark = 42));
const marked = (page: Page) => page.evaluate(() => (window as unknown as { hubtrayMark?: number }).hubtrayMark);

async function serveAgain(): Promise<void> {
  serve = await startServe(home);
  api = createHubClient(serve.url, tokenOf(await printedUiUrl(serve)));
}

beforeAll(async () => {
  await serveAgain();
  await api!.start({ system: 'here', name: 'keeper' });
  for (let i = 0; i < 240 && (await api!.listServers({})).find((s) => s.name === 'keeper')?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 250));
  browser = await launchChromium();
  const uiUrl = await printedUiUrl(serve!);
  for (const tab of tabNames) {
    pages[tab] = await openLoggedIn(browser, uiUrl);
    await pages[tab].evaluate((hash) => (window.location.hash = hash), tabs[tab].hash);
  }
});

afterAll(async () => {
  await stopLeftovers(api);
  await api?.close();
  await browser?.close();
  await serve?.stop();
  await new Keychain().delete(uiAccessKey(home)).catch(() => undefined);
  rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

describe('the pages besides the servers list while hubtray serve is down', () => {
  it('show the running server and enable what asks the hub', async () => {
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 20_000 }).toBe('running');
    for (const tab of tabNames) {
      for (const name of tabs[tab].buttons) await expect.poll(() => button(tab, name).isEnabled(), { timeout: 15_000 }).toBe(true);
      expect(await pages[tab].locator('.hub-unreachable').count()).toBe(0);
      await mark(pages[tab]);
    }
    await screenshot(pages.detail, 'unreachable-01-detail-running');
  });

  it('disable it, with the reason once on the page and in each button’s title; the server’s state is unknown', async () => {
    // The server is detached from serve: it runs on, and serve's next start finds it again.
    expect(await serve!.stop('SIGTERM')).toBe(0);
    await api?.close();
    serve = api = undefined;
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 10_000 }).toBe('unknown');
    expect(await chip().textContent()).toBe('unknown');
    expect(await detail().getAttribute('class')).toContain('state-unknown');
    expect(await detail().evaluate((el) => Number(getComputedStyle(el).opacity))).toBeLessThan(1);
    // Not "running / tunnel up": the line of the last known state is gone.
    expect(await detail().locator('.tunnel').count()).toBe(0);
    for (const tab of tabNames) {
      for (const name of tabs[tab].buttons) {
        await expect.poll(() => button(tab, name).isDisabled(), { timeout: 10_000 }).toBe(true);
        expect(await button(tab, name).getAttribute('title')).toMatch(reason);
      }
      const note = pages[tab].locator('.hub-unreachable');
      expect(await note.count()).toBe(1);
      expect(await note.textContent()).toBe('hubtray is not reachable; retrying');
    }
    for (const tab of tabNames) await screenshot(pages[tab], `unreachable-02-${tab}`);
  });

  it('enable it again once serve runs again on the same home, without a reload', async () => {
    await serveAgain();
    // The backoff between attempts is capped at 10 s (and a quarter more, jittered).
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 30_000, interval: 200 }).toBe('running');
    expect(await detail().getAttribute('class')).not.toContain('state-unknown');
    for (const tab of tabNames) {
      for (const name of tabs[tab].buttons) {
        await expect.poll(() => button(tab, name).isEnabled(), { timeout: 30_000, interval: 200 }).toBe(true);
        expect((await button(tab, name).getAttribute('title')) ?? '').not.toMatch(reason);
      }
      expect(await pages[tab].locator('.hub-unreachable').count()).toBe(0);
      expect(await marked(pages[tab])).toBe(42);
    }
    for (const tab of tabNames) await screenshot(pages[tab], `unreachable-03-${tab}-back`);
  });
});
