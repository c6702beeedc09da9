// The tray popup's size, 420×640, as a first-class layout (issue 14, item 8), in Debian's Chromium against a real
// `hubtray serve`: the Start button of a long form is in the window without scrolling, the navigation stays at the
// top after scrolling, each presets row is on one line, a card's buttons stay beside its name, and a failure's raw
// output is folded under Details. Everything is measured with boundingBox; screenshots go to test-results/renderer/.
import { rmSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { localJupyter, makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { launchChromium, screenshot } from './browser.js';
import { printedUiUrl, stopLeftovers, tokenOf } from './serve-ui.js';

const viewport = { width: 420, height: 640 };

// A cluster-like form, long enough that the page is taller than the popup.
const longForm = {
  fields: [
    { name: 'partition', label: 'Partition', type: 'select', choices: [{ value: 'cpu' }, { value: 'gpu' }] },
    { name: 'cores', label: 'Cores', type: 'number', default: 4, min: 1, max: 64, integer: true },
    { name: 'memory', label: 'Memory', type: 'select', choices: [{ value: '4G' }, { value: '16G' }, { value: '64G' }] },
    { name: 'gpus', label: 'GPUs', type: 'number', default: 0, min: 0, max: 8, integer: true },
    { name: 'runtime', label: 'Runtime (hours)', type: 'number', default: 2, min: 1, max: 48 },
    { name: 'account', label: 'Account', type: 'text', default: 'project-x' },
    { name: 'notebook_dir', label: 'Start folder', type: 'text', default: '~/work' },
    { name: 'exclusive', label: 'Whole node', type: 'checkbox', default: false },
  ],
};

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: HubClient;
let uiUrl: string;

beforeAll(async () => {
  serve = await startServe(
    makeHome({
      systems: {
        'big cluster': { ...localJupyter, options_form: longForm },
        // `jupyter lab` is not installed here: the start fails with Jupyter's 15 lines of help as its raw output.
        nolab: { kind: 'local', cmd: ['/usr/bin/jupyter', 'lab'], start_timeout: 30 },
      },
    }),
  );
  uiUrl = await printedUiUrl(serve);
  api = createHubClient(serve.url, tokenOf(uiUrl));
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(uiUrl);
  await page.waitForURL((url) => !url.hash.includes('token'));
});

afterAll(async () => {
  await stopLeftovers(api);
  await api?.close();
  await browser?.close();
  await serve?.stop();
  if (serve) rmSync(serve.home, { recursive: true, force: true });
});

const go = (hash: string) => page.goto(new URL(hash, uiUrl).toString());

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`${locator.toString()} is not shown`);
  return found;
}

/** Whether the element is wholly inside the window as it is scrolled now. */
async function inViewport(locator: Locator): Promise<boolean> {
  const b = await box(locator);
  return b.y >= 0 && b.x >= 0 && b.y + b.height <= viewport.height && b.x + b.width <= viewport.width;
}

/** Both boxes on one line: each one's vertical middle within the other's height. */
function sameLine(a: { y: number; height: number }, b: { y: number; height: number }): boolean {
  const middle = (r: { y: number; height: number }) => r.y + r.height / 2;
  return middle(a) > b.y && middle(a) < b.y + b.height && middle(b) > a.y && middle(b) < a.y + a.height;
}

describe('the tray popup at 420×640', () => {
  it('1. a long form’s Start button is in the window without scrolling, and stays there', async () => {
    await api.savePreset({ system: 'big cluster', preset: 'gpu day', options: { partition: 'gpu', gpus: 1 } });
    await go('#/start/big%20cluster');
    const start = page.getByRole('button', { name: 'Start on big cluster' });
    await start.waitFor();
    // The page is taller than the window, so the check below means something.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(viewport.height * 1.5);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await inViewport(start)).toBe(true);
    await screenshot(page, '14-small-start-top');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    expect(await inViewport(start)).toBe(true);
  });

  it('2. the navigation stays at the top after scrolling', async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(viewport.height / 2);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const at = await box(nav);
    expect(at.y).toBeGreaterThanOrEqual(0);
    expect(at.y).toBeLessThan(20);
    expect(await inViewport(page.getByRole('link', { name: 'Systems' }))).toBe(true);
    expect(await inViewport(page.getByRole('button', { name: 'Start on big cluster' }))).toBe(true);
    await screenshot(page, '14-small-start-scrolled');
  });

  it('3. each presets row is on one line, inside the window', async () => {
    const presets = page.locator('fieldset.presets');
    const select = presets.getByLabel('Preset', { exact: true });
    const load = presets.getByRole('button', { name: 'Load' });
    const remove = presets.getByRole('button', { name: 'Delete' });
    await select.selectOption('gpu day');
    const [s, l, d] = await Promise.all([box(select), box(load), box(remove)]);
    expect(sameLine(s, l) && sameLine(l, d)).toBe(true);
    expect(d.x + d.width).toBeLessThanOrEqual(viewport.width);
    const name = presets.getByLabel('Save these options as', { exact: true });
    const save = presets.getByRole('button', { name: 'Save preset' });
    const [n, v] = await Promise.all([box(name), box(save)]);
    expect(sameLine(n, v)).toBe(true);
    expect(v.x + v.width).toBeLessThanOrEqual(viewport.width);
  });

  it('4. a card’s buttons stay beside its name', async () => {
    await go('#/systems');
    const card = page.locator('[data-system="big cluster"]');
    const [title, edit, remove] = await Promise.all([box(card.locator('h3')), box(card.getByRole('link', { name: 'Edit big cluster' })), box(card.getByRole('button', { name: 'Remove big cluster' }))]);
    expect(sameLine(title, edit) && sameLine(edit, remove)).toBe(true);
    expect(remove.x + remove.width).toBeLessThanOrEqual(viewport.width);
    await screenshot(page, '14-small-systems');
  });

  it('5. a failure shows its cause and Edit system on the first screen, its raw output folded', async () => {
    await api.start({ system: 'nolab', name: 'nolab' });
    await expect.poll(async () => (await api.listServers({})).find((s) => s.name === 'nolab')?.status, { timeout: 30_000 }).toBe('failed');
    await go('#/servers/nolab');
    const cause = page.locator('.reason-cause');
    await cause.waitFor();
    expect(await inViewport(cause)).toBe(true);
    expect(await inViewport(page.getByRole('link', { name: 'Edit system nolab' }))).toBe(true);
    const details = page.locator('details', { hasText: 'Details' }).first();
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    await screenshot(page, '14-small-failed');
  });
});
