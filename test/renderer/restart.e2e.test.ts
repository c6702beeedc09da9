// A restart of `hubtray serve` under an open tab, in Debian's Chromium: the tab shows its servers' state as unknown
// while hubtray is down (greyed, actions disabled), and carries on without a reload when the same HUBTRAY_HOME is
// served again, since the UI's token and port are kept in the keychain. `--new-token` shuts that tab out, and the
// new address pasted into the same tab lets it back in, again without a reload. The user's world covered: a SIGTERM
// and restart of the hub while a Jupyter server (Debian's, on this computer) runs on. Screenshots of each state go to
// test-results/renderer/.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { uiAccessKey } from '../../electron/core/boundary/registration.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { localJupyter, makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { launchChromium, screenshot } from './browser.js';

const home = makeHome({ systems: { here: localJupyter } });
let serve: ServeProcess | undefined;
let browser: Browser;
let page: Page;
let firstUrl: string;

async function printedUiUrl(process: ServeProcess): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const match = /^UI: (\S+)$/m.exec(process.output().stdout);
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`hubtray serve printed no UI address:\n${process.output().stdout}`);
}

const tokenOf = (uiUrl: string) => decodeURIComponent(new URL(uiUrl).hash.replace('#token=', ''));

/** A client of the current serve, with the token its UI address carries (the API takes it too). */
async function client(): Promise<HubClient> {
  return createHubClient(serve!.url, tokenOf(await printedUiUrl(serve!)));
}

async function withClient<T>(work: (api: HubClient) => Promise<T>): Promise<T> {
  const api = await client();
  try {
    return await work(api);
  } finally {
    await api.close();
  }
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'latin1') }];
  });
}

const card = () => page.locator('[data-server="keeper"]');
const chip = () => card().locator('[data-status]').first();
const buttons = () => card().getByRole('button');
/** Marks this document; a reload would lose the mark. */
const mark = () => page.evaluate(() => ((window as unknown as { hubtrayMark?: number }).hubtrayMark = 42));
const marked = () => page.evaluate(() => (window as unknown as { hubtrayMark?: number }).hubtrayMark);

beforeAll(async () => {
  serve = await startServe(home);
  firstUrl = await printedUiUrl(serve);
  await withClient(async (api) => {
    await api.start({ system: 'here', name: 'keeper' });
    for (let i = 0; i < 240 && (await api.listServers({})).find((s) => s.name === 'keeper')?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 250));
  });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
});

afterAll(async () => {
  if (serve) await withClient((api) => api.stop({ name: 'keeper', now: true })).catch(() => undefined);
  await browser?.close();
  await serve?.stop();
  await new Keychain().delete(uiAccessKey(home)).catch(() => undefined);
  rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

describe('an open tab across restarts of hubtray serve', () => {
  it('shows the running server, and marks the page so that a reload would show', async () => {
    await page.goto(firstUrl);
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 20_000 }).toBe('running');
    expect(page.url()).not.toContain('token');
    await mark();
    await screenshot(page, 'restart-01-running');
  });

  it('while hubtray is down, shows the server’s state as unknown, greyed, with its actions disabled', async () => {
    expect(await serve!.stop('SIGTERM')).toBe(0);
    serve = undefined;
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 10_000 }).toBe('unknown');
    expect(await card().locator('.hub-unreachable').textContent()).toBe('hubtray is not reachable; retrying');
    // Not "running / tunnel up": the line of the last known state is gone.
    expect(await card().locator('.tunnel').count()).toBe(0);
    expect(await card().getAttribute('class')).toContain('state-unknown');
    expect(await card().evaluate((el) => Number(getComputedStyle(el).opacity))).toBeLessThan(1);
    const states = await buttons().evaluateAll((els) => els.map((el) => (el as HTMLButtonElement).disabled));
    expect(states.length).toBeGreaterThan(0);
    expect(states.every(Boolean)).toBe(true);
    expect(await page.getByRole('alert').textContent()).toMatch(/Lost contact with hubtray/);
    await screenshot(page, 'restart-02-unreachable');
  });

  it('started again on the same home, at the same address with the same token, the tab carries on without a reload', async () => {
    serve = await startServe(home);
    const again = await printedUiUrl(serve);
    expect(again).toBe(firstUrl);
    // The backoff between attempts is capped at 10 s (and a quarter more, jittered).
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 30_000, interval: 200 }).toBe('running');
    expect(await card().locator('.hub-unreachable').count()).toBe(0);
    expect(await card().locator('.tunnel').textContent()).toBe('on this computer, no tunnel needed');
    expect(await card().getByRole('button', { name: 'Stop keeper' }).isEnabled()).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await marked()).toBe(42);
    await screenshot(page, 'restart-03-back');
  });

  it('keeps the token out of files in HUBTRAY_HOME and out of what serve wrote besides its UI line', async () => {
    const token = tokenOf(firstUrl);
    expect(filesUnder(home).filter((f) => f.text.includes(token)).map((f) => f.path)).toEqual([]);
    const { stdout, stderr } = serve!.output();
    expect(stderr).not.toContain(token);
    expect(stdout.split('\n').filter((line) => line.includes(token))).toEqual([`UI: ${firstUrl}`]);
    // In the keychain, under one of hubtray's own entries.
    expect(JSON.parse((await new Keychain().get(uiAccessKey(home))) ?? '{}')).toEqual({ token, port: Number(new URL(firstUrl).port) });
  });

  it('--new-token shuts the open tab out: a banner says the access was renewed and how to get back in', async () => {
    expect(await serve!.stop('SIGTERM')).toBe(0);
    serve = await startServe(home, ['--new-token']);
    const renewed = await printedUiUrl(serve);
    expect(new URL(renewed).origin).toBe(new URL(firstUrl).origin);
    expect(tokenOf(renewed)).not.toBe(tokenOf(firstUrl));
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000, interval: 200 }).toMatch(/^hubtray's access was renewed \(hubtray serve --new-token\)/);
    expect(await page.getByRole('alert').textContent()).toContain('paste the new UI address that hubtray serve printed (the line beginning with UI:, ending in #token=…)');
    expect(await chip().getAttribute('data-status')).toBe('unknown');
    expect(await card().locator('.hub-unreachable').textContent()).toBe("state unknown: this page's access was renewed");
    expect((await buttons().evaluateAll((els) => els.map((el) => (el as HTMLButtonElement).disabled))).every(Boolean)).toBe(true);
    // The old token is refused by the API itself, not only by the page.
    const refused = await fetch(new URL('/api/call/listServers', serve.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf(firstUrl)}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    await screenshot(page, 'restart-04-access-renewed');
    // The tray popup's size: the banner fits its width and leaves most of the page to the cards it greys out.
    const before = page.viewportSize();
    await page.setViewportSize({ width: 420, height: 640 });
    const box = await page.getByRole('alert').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(420);
    expect(box!.height).toBeLessThanOrEqual(320);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await screenshot(page, 'restart-04-access-renewed-small');
    if (before) await page.setViewportSize(before);
  });

  it('the new address pasted into the same tab lets it back in, without a reload', async () => {
    const renewed = await printedUiUrl(serve!);
    // What pasting it into the address bar does: the same page with another fragment, a same-document navigation.
    await page.goto(renewed);
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 15_000, interval: 200 }).toBe('running');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await card().getByRole('button', { name: 'Stop keeper' }).isEnabled()).toBe(true);
    expect(page.url()).not.toContain('token');
    expect(await marked()).toBe(42);
    // The new token is what this tab now keeps and calls with: a stop from the card goes through.
    expect(await page.evaluate(() => sessionStorage.getItem('hubtray.token'))).toBe(tokenOf(renewed));
    await screenshot(page, 'restart-05-new-token');
    await card().getByRole('button', { name: 'Stop keeper' }).click();
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 30_000 }).toBe('stopped');
  });
});
