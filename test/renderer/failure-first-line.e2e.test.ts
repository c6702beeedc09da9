// A failed start says what went wrong in its first line (issue 14, item 2), in Debian's Chromium against a real
// `hubtray serve` and a real sshd on 127.0.0.1, reached as the ssh config alias "gpubox". This machine has Debian's
// Jupyter Server but no JupyterLab, so `jupyter lab` fails there as it does on a host where nobody installed it:
// jupyter prints its usage and "Jupyter command `jupyter-lab` not found." last. Screenshots go to test-results/renderer/.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { launchChromium, screenshot } from './browser.js';
import { openLoggedIn, printedUiUrl, stopLeftovers, tokenOf } from './serve-ui.js';

let sshd: Sshd;
let client: ClientConfig;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: HubClient;
let uiUrl: string;

const labMissing = /^JupyterLab is not installed on ssh host gpubox: `jupyter lab` is not a command there; `jupyter server` is\.$/;

beforeAll(async () => {
  sshd = await startSshd();
  client = await writeClientConfig([{ alias: 'gpubox', sshd, extra: ['IdentityAgent none'] }], { trust: true });
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  serve = await startServe(
    makeHome({
      systems: {
        gpubox: { kind: 'ssh', host: 'gpubox', cmd: ['jupyter', 'lab'] },
        bare: { kind: 'ssh', host: 'gpubox', cmd: ['no-such-jupyter'] },
      },
    }),
  );
  uiUrl = await printedUiUrl(serve);
  api = createHubClient(serve.url, tokenOf(uiUrl));
  browser = await launchChromium();
  // Every later address is a plain route.
  page = await openLoggedIn(browser, uiUrl);
});

afterAll(async () => {
  await stopLeftovers(api);
  await api?.close();
  await browser?.close();
  await serve?.stop();
  await sshd?.stop();
  await client?.cleanup();
  delete process.env.HUBTRAY_SSH_CONFIG;
  if (serve) rmSync(serve.home, { recursive: true, force: true });
});

const go = (hash: string) => page.goto(new URL(hash, uiUrl).toString());
const chip = () => page.locator('main [data-status]').first();
const logSection = () => page.getByRole('heading', { name: /^Server log/ });

describe('a failed start, cause first', () => {
  it('1. `jupyter lab` where JupyterLab is missing: the first line says so and names what is there; the raw output is behind Details', async () => {
    await go('#/start/gpubox');
    await page.getByLabel('Server name (optional)', { exact: true }).fill('lab1');
    await page.getByRole('button', { name: 'Start on gpubox' }).click();
    await page.waitForURL(/#\/servers\/lab1$/);
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 45_000 }).toBe('failed');
    expect(await page.locator('.reason-cause').textContent()).toMatch(labMissing);
    // The way out, naming the setting by the form's label with its name in brackets.
    expect(await page.locator('.reason-advice').allTextContents()).toEqual([
      'To use `jupyter server`, set Jupyter command [cmd] to ["/usr/bin/jupyter-server"]; or install JupyterLab there (e.g. pip install --user jupyterlab).',
    ]);
    // jupyter's own usage text waits behind "Details", the line that mattered last in it.
    const raw = page.locator('.reason-raw pre');
    expect(await raw.isVisible()).toBe(false);
    await page.locator('.reason-raw summary', { hasText: 'Details' }).click();
    expect(await raw.isVisible()).toBe(true);
    const said = (await raw.textContent()) ?? '';
    expect(said).toMatch(/^--- last lines of the server log ---\n/);
    expect(said).toContain('Available subcommands:');
    expect(said.trim().split('\n').at(-1)).toBe('Jupyter command `jupyter-lab` not found.');
    // The event log ends with the cause alone, not the usage text.
    expect(await page.locator('.event-log li.event-failed .event-message').textContent()).toMatch(new RegExp(`^Start failed: ${labMissing.source.slice(1)}`));
    // The process was launched, but it is gone and its run folder with it: its log is the part shown under Details.
    expect(await logSection().count()).toBe(0);
    await screenshot(page, '11-failure-first-line');
    await page.setViewportSize({ width: 420, height: 640 });
    await screenshot(page, '11-failure-first-line-small');
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('2. its card gives the cause on one line, with an Edit system action', async () => {
    await go('#/servers');
    await page.getByRole('button', { name: /^Ended \(\d+\)$/ }).click();
    const card = page.locator('[data-server="lab1"]');
    expect(await card.locator('.reason').textContent()).toMatch(labMissing);
    expect(await card.getByRole('link', { name: 'Edit system gpubox' }).isVisible()).toBe(true);
    await screenshot(page, '11-failure-card');
  });

  it('3. nothing launched: no log to offer, the host’s own words behind Details', async () => {
    await api.start({ system: 'bare', name: 'bare1' });
    await go('#/servers/bare1');
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 45_000 }).toBe('failed');
    expect(await page.locator('.reason-cause').textContent()).toBe('`no-such-jupyter` is not a command on ssh host gpubox; `jupyter server` is.');
    expect(await logSection().count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Show log' }).count()).toBe(0);
    await page.locator('.reason-raw summary').click();
    expect(await page.locator('.reason-raw pre').textContent()).toMatch(/^--- what ssh host gpubox said ---\nno-such-jupyter: command not found on \S+ \(PATH=/);
    await screenshot(page, '11-failure-nothing-launched');
  });

  it('4. Edit system leads to the field the advice names; following the advice starts the server, and its log is offered', async () => {
    await go('#/servers/lab1');
    await page.getByRole('link', { name: 'Edit system gpubox' }).click();
    await page.waitForURL(/#\/edit-system\/gpubox$/);
    const command = page.getByLabel('Jupyter command', { exact: true });
    expect(await command.inputValue()).toBe('jupyter lab');
    await command.fill('/usr/bin/jupyter-server');
    await page.getByLabel('Extra arguments', { exact: true }).fill('--allow-root');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/#\/systems$/);
    expect(JSON.parse(readFileSync(join(serve.home, 'config.json'), 'utf8')).systems.gpubox.cmd).toEqual(['/usr/bin/jupyter-server']);
    await go('#/servers/lab1');
    await page.getByRole('button', { name: 'Start lab1 again' }).click();
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 45_000 }).toBe('running');
    // Something runs now, with a log of its own: it is offered.
    await expect.poll(() => logSection().count()).toBe(1);
    expect(await page.locator('.server-reason').count()).toBe(0);
    await screenshot(page, '11-fixed-running-with-log');
    await api.stop({ name: 'lab1', now: true });
  });
});
