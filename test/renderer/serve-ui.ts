// The UI address `hubtray serve` prints, and the tab and clean-up of tests that open it in Chromium.
import type { Browser, Page } from 'playwright-core';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import type { ServeProcess } from '../fixtures/hubtray-process.js';
import { launchChromium } from './browser.js';

/** The `UI: …#token=…` line of serve's output, once it is there. */
export async function printedUiUrl(serve: ServeProcess): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const match = /^UI: (\S+)$/m.exec(serve.output().stdout);
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`hubtray serve printed no UI address:\n${serve.output().stdout}`);
}

/** The API token a UI address carries. */
export function tokenOf(uiUrl: string): string {
  return decodeURIComponent(new URL(uiUrl).hash.replace('#token=', ''));
}

/** What a failed step may have left: starting servers are cancelled, running ones stopped at once. */
export async function stopLeftovers(api: HubClient | undefined): Promise<void> {
  for (const server of (await api?.listServers({}).catch(() => [])) ?? []) {
    if (server.status === 'starting') await api?.cancel({ name: server.name }).catch(() => undefined);
    if (server.status === 'running') await api?.stop({ name: server.name, now: true }).catch(() => undefined);
  }
}

/** A tab of `browser` at 1100×800, logged in: the printed address hands it the token (kept in sessionStorage). */
export async function openLoggedIn(browser: Browser, uiUrl: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  await page.goto(uiUrl);
  await page.waitForURL((url) => !url.hash.includes('token'));
  return page;
}

/** What a test of the window needs of a running `serve`: its UI address, an API client and a logged-in tab. */
export interface UiSession {
  uiUrl: string;
  api: HubClient;
  browser: Browser;
  page: Page;
  /** Stops the servers a failed step left, then closes the client and the browser (not `serve`). */
  close(): Promise<void>;
}

export async function openUi(serve: ServeProcess): Promise<UiSession> {
  const uiUrl = await printedUiUrl(serve);
  const api = createHubClient(serve.url, tokenOf(uiUrl));
  const browser = await launchChromium();
  const page = await openLoggedIn(browser, uiUrl);
  return {
    uiUrl,
    api,
    browser,
    page,
    async close() {
      await stopLeftovers(api);
      await api.close();
      await browser.close();
    },
  };
}
