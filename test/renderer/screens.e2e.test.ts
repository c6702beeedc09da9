// The main screens at both sizes a person meets them (issue 14): a desktop window of 1280×800 and the tray popup of
// 420×640, in Debian's Chromium against a real `hubtray serve` and Debian's Jupyter server. Each screen is saved as
// test-results/renderer/screens-<screen>-<size>.png for a person to look at; the checks are what every screen must
// have at either size: its heading, and nothing wider than the window (no sideways scrolling). Then what the system
// cards and the Start page say of each system (issue 14, item 7).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import type { ServerInfo } from '../../shared/api.js';
import { localJupyter, makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { launchChromium, screenshot } from './browser.js';
import { printedUiUrl, stopLeftovers, tokenOf } from './serve-ui.js';

const sizes = [
  { width: 1280, height: 800 },
  { width: 420, height: 640 },
] as const;

let serve: ServeProcess;
let browser: Browser;
let api: HubClient;
let uiUrl: string;
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-screens-'));

beforeAll(async () => {
  // An SSH system whose alias the ssh config resolves through a jump host: its card shows where it leads. It is
  // never connected to.
  const sshConfig = join(scratch, 'ssh_config');
  writeFileSync(sshConfig, 'Host gpubox\n  HostName 127.0.0.1\n  User alice\n  Port 2222\n  ProxyJump bob@127.0.0.1:2200\n');
  process.env.HUBTRAY_SSH_CONFIG = sshConfig;
  serve = await startServe(
    makeHome({
      systems: {
        here: localJupyter,
        // A command that is not there: the start fails at once, with its cause first.
        broken: { kind: 'local', cmd: ['/nonexistent/jupyter-lab'], start_timeout: 30 },
        gpubox: { kind: 'ssh', host: 'gpubox', description: 'The group’s GPU box' },
      },
    }),
  );
  uiUrl = await printedUiUrl(serve);
  api = createHubClient(serve.url, tokenOf(uiUrl));
  browser = await launchChromium();
});

afterAll(async () => {
  await stopLeftovers(api);
  await api?.close();
  await browser?.close();
  await serve?.stop();
  delete process.env.HUBTRAY_SSH_CONFIG;
  if (serve) rmSync(serve.home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

async function until(name: string, status: ServerInfo['status'], seconds: number): Promise<void> {
  await expect.poll(async () => (await api.listServers({})).find((s) => s.name === name)?.status, { timeout: seconds * 1000 }).toBe(status);
}

/** A logged-in tab of the given size. */
async function tab(size: { width: number; height: number }): Promise<Page> {
  const page = await (await browser.newContext({ viewport: size })).newPage();
  await page.goto(uiUrl);
  await page.waitForURL((url) => !url.hash.includes('token'));
  return page;
}

/** Opens `hash`, waits for `ready`, checks the page is no wider than the window, and saves the screenshot. */
async function shoot(page: Page, hash: string, ready: ReturnType<Page['locator']>, screen: string): Promise<void> {
  await page.goto(new URL(hash, uiUrl).toString());
  await ready.first().waitFor({ timeout: 15_000 });
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${screen} is wider than its ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
  const size = page.viewportSize();
  await screenshot(page, `screens-${screen}-${size?.width}x${size?.height}`);
}

describe('the main screens at 1280×800 and 420×640', () => {
  it('first run', async () => {
    for (const size of sizes) {
      const page = await tab(size);
      await shoot(page, '#/servers', page.getByRole('heading', { name: 'Start your first Jupyter server' }), 'first-run');
      await page.context().close();
    }
  });

  it('servers list, server page running and failed, start page, systems and the editor', async () => {
    await api.start({ system: 'here', name: 'analysis' });
    await api.start({ system: 'broken', name: 'typo' });
    await until('typo', 'failed', 30);
    await until('analysis', 'running', 150);
    for (const size of sizes) {
      const page = await tab(size);
      await shoot(page, '#/servers', page.locator('[data-server="analysis"] [data-status="running"]'), 'servers');
      await shoot(page, '#/servers/analysis', page.getByRole('button', { name: 'Open analysis in the browser' }), 'server-running');
      await shoot(page, '#/servers/typo', page.locator('.reason-cause'), 'server-failed');
      await shoot(page, '#/start/here', page.getByRole('button', { name: 'Start on here' }), 'start');
      await shoot(page, '#/systems', page.locator('[data-system="gpubox"] .system-address'), 'systems');
      await shoot(page, '#/edit-system/gpubox', page.getByLabel('Host', { exact: true }), 'editor');
      await page.context().close();
    }
  });

  it('a system card says where its login goes; the Start page says what runs or failed where, and picks the last system used', async () => {
    const page = await tab(sizes[0]);
    await page.goto(new URL('#/systems', uiUrl).toString());
    expect(await page.locator('[data-system="gpubox"] .system-address').textContent()).toBe('alice@127.0.0.1:2222 via bob@127.0.0.1:2200');
    expect(await page.locator('[data-system="here"] .system-address').count()).toBe(0);
    await page.goto(new URL('#/start', uiUrl).toString());
    const option = (name: string) => page.locator('.system-option', { has: page.locator('.system-name', { hasText: new RegExp(`^${name}$`) }) });
    await option('here').waitFor();
    expect(await option('here').locator('.system-use').textContent()).toBe('has 1 server');
    expect(await option('broken').locator('.system-use').textContent()).toBe('failed last time');
    expect(await option('gpubox').locator('.system-use').count()).toBe(0);
    // `typo` on broken was the last start.
    expect(await page.getByRole('radio', { name: /^broken/ }).isChecked()).toBe(true);
    // The hub remembers it (state.json), not the list of servers: with `typo` forgotten and the page reloaded, broken
    // is still the one preselected, though `analysis` on here is the newest server listed.
    await api.forget({ name: 'typo' });
    await page.reload();
    await option('broken').waitFor();
    expect(await option('broken').locator('.system-use').count()).toBe(0);
    expect(await page.getByRole('radio', { name: /^broken/ }).isChecked()).toBe(true);
    await page.context().close();
  });
});
