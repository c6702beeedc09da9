// Time, as Open OnDemand shows it (issue 14, item 3), in Debian's Chromium against a real `hubtray serve`: a start
// counts its time and the timeout of what it waits for; http_timeout is in the form and its error says how to raise
// it; cards show created, ready and ended times, uptime, and a Slurm job's walltime left (a private Slurm cluster
// behind a real sshd); ended servers fold under "Ended (N)" with "Clear ended". Screenshots go to test-results/renderer/.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import type { ServerInfo } from '../../shared/api.js';
import { localJupyter, makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { startLoginNode, type LoginNode } from '../slurm/cluster.js';
import { launchChromium, screenshot } from './browser.js';
import { openLoggedIn, printedUiUrl, stopLeftovers, tokenOf } from './serve-ui.js';

let node: LoginNode;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: HubClient;
let uiUrl: string;

beforeAll(async () => {
  node = await startLoginNode();
  serve = await startServe(
    makeHome({
      systems: {
        here: localJupyter,
        // A process that never answers HTTP: the start waits out its http_timeout.
        slow: { kind: 'local', cmd: ['/bin/sh', '-c', 'exec sleep 300'], http_timeout: 8, start_timeout: 60, interrupt_timeout: 1 },
        cluster: node.system({ req_runtime: '30' }),
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
  await node?.stop();
  if (serve) rmSync(serve.home, { recursive: true, force: true });
});

const go = (hash: string) => page.goto(new URL(hash, uiUrl).toString());
const card = (name: string) => page.locator(`[data-server="${name}"]`);
const chip = (root: ReturnType<Page['locator']>) => root.locator('[data-status]').first();
const endedToggle = () => page.getByRole('button', { name: /^Ended \(\d+\)$/ });

async function server(name: string): Promise<ServerInfo> {
  const found = (await api.listServers({})).find((s) => s.name === name);
  if (!found) throw new Error(`no server ${name}`);
  return found;
}

async function until(name: string, status: ServerInfo['status'], seconds: number): Promise<ServerInfo> {
  await expect.poll(async () => (await server(name)).status, { timeout: seconds * 1000 }).toBe(status);
  return server(name);
}

describe('time, as Open OnDemand shows it', () => {
  it('1. a start shows how long it has taken and what it waits for, against the timeout, and every event its time', async () => {
    await go('#/start/slow');
    await page.getByLabel('Server name (optional)', { exact: true }).fill('slowpoke');
    await page.getByRole('button', { name: 'Start on slow' }).click();
    await page.waitForURL(/#\/servers\/slowpoke$/);
    const step = page.locator('main .last-message');
    await expect.poll(() => step.textContent(), { timeout: 20_000 }).toMatch(/^Waiting for the server to answer: \d s of 8$/);
    expect(await page.locator('main .start-elapsed').textContent()).toMatch(/^starting for \d+ s of 60$/);
    // The countdown runs on its own, without new events.
    const before = await page.locator('main .step-clock').textContent();
    await expect.poll(() => page.locator('main .step-clock').textContent()).not.toBe(before);
    const events = page.locator('.event-log li');
    expect(await events.count()).toBeGreaterThan(1);
    expect(await page.locator('.event-log li time.event-time').count()).toBe(await events.count());
    const firstAt = await page.locator('.event-log li time').first().getAttribute('datetime');
    expect(Date.parse(firstAt ?? '')).toBeGreaterThanOrEqual(Date.parse((await server('slowpoke')).createdAt) - 1000);
    await screenshot(page, '12-start-countdown');
    // The card in the list says the same, in its fixed-height line.
    await go('#/servers');
    expect(await card('slowpoke').locator('.last-message').textContent()).toMatch(/^Waiting for the server to answer: \d s of 8$/);
    await screenshot(page, '12-start-countdown-card');
  });

  it('2. when http_timeout passes, the error says how to raise it, and the form has it next to Start timeout', async () => {
    await until('slowpoke', 'failed', 40);
    await go('#/servers/slowpoke');
    expect(await page.locator('.reason-cause').textContent()).toMatch(
      /^the server did not answer HTTP within HTTP timeout \[http_timeout\] \(8 s\) at http:\/\/127\.0\.0\.1:\d+\/$/,
    );
    expect(await page.locator('.reason-advice').first().textContent()).toMatch(
      /^If it is only slow to start, raise HTTP timeout \[http_timeout\] in the system's settings \(Edit system, or config\.json\); Start timeout \[start_timeout\], now 60 s,/,
    );
    await page.getByRole('link', { name: 'Edit system slow' }).click();
    await page.waitForURL(/#\/edit-system\/slow$/);
    const field = page.getByLabel('HTTP timeout (seconds)', { exact: true });
    await field.waitFor();
    const labels = await page.locator('.editor-form label').allTextContents();
    const at = labels.findIndex((l) => l.startsWith('HTTP timeout (seconds)'));
    expect(at).toBeGreaterThan(0);
    expect(labels[at - 1]).toMatch(/^Start timeout \(seconds\)/);
    expect(await field.inputValue()).toBe('8');
    await field.fill('120');
    await screenshot(page, '12-http-timeout-field');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/#\/systems$/);
    expect(JSON.parse(readFileSync(join(serve.home, 'config.json'), 'utf8')).systems.slow.http_timeout).toBe(120);
  });

  it('3. cards show created, ready and ended times, and uptime while running', async () => {
    await api.start({ system: 'here', name: 'clocked' });
    await go('#/servers');
    const clocked = card('clocked');
    await expect.poll(() => chip(clocked).getAttribute('data-status'), { timeout: 45_000 }).toBe('running');
    const running = await server('clocked');
    expect(await clocked.locator('[data-time="created"] time').getAttribute('datetime')).toBe(running.createdAt);
    expect(await clocked.locator('[data-time="ready"] time').getAttribute('datetime')).toBe(running.readyAt);
    expect(await clocked.locator('[data-time="created"]').textContent()).toMatch(/^created \d{1,2}:\d\d:\d\d/);
    expect(await clocked.locator('[data-time="ended"]').count()).toBe(0);
    expect(await clocked.locator('.uptime').textContent()).toMatch(/^up \d+ s$/);
    await screenshot(page, '12-card-times-running');
    await clocked.getByRole('button', { name: 'Stop clocked' }).click();
    await expect.poll(() => chip(clocked).getAttribute('data-status'), { timeout: 30_000 }).toBe('stopped');
    if ((await endedToggle().getAttribute('aria-expanded')) !== 'true') await endedToggle().click();
    const stopped = await server('clocked');
    expect(await clocked.locator('[data-time="ended"] time').getAttribute('datetime')).toBe(stopped.stoppedAt);
    expect(await clocked.locator('.uptime').count()).toBe(0);
    await screenshot(page, '12-card-times-ended');
  });

  it('4. a batch job’s card shows the walltime left', async () => {
    await api.start({ system: 'cluster', name: 'batch' });
    await until('batch', 'running', 90);
    await go('#/servers');
    // req_runtime 30 (minutes): a little under 30 minutes are left.
    expect(await card('batch').locator('.walltime').textContent()).toMatch(/^walltime left (2\d|30) min$/);
    expect(await card('batch').locator('.uptime').textContent()).toMatch(/^up \d+ s$/);
    await screenshot(page, '12-batch-walltime');
    await card('batch').getByRole('button', { name: 'Stop batch' }).click();
    await until('batch', 'stopped', 30);
  });

  it('5. ended servers fold under "Ended (N)", kept so for the tab, and "Clear ended" dismisses them all', async () => {
    await go('#/servers');
    const ended = (await api.listServers({})).filter((s) => !['starting', 'running', 'stopping', 'lost'].includes(s.status));
    expect(ended.map((s) => s.name).sort()).toEqual(['batch', 'clocked', 'slowpoke']);
    await expect.poll(() => endedToggle().textContent()).toBe('Ended (3)');
    if ((await endedToggle().getAttribute('aria-expanded')) === 'true') await endedToggle().click();
    expect(await endedToggle().getAttribute('aria-expanded')).toBe('false');
    expect(await card('clocked').isVisible()).toBe(false);
    await screenshot(page, '12-ended-folded');
    // Folded it stays, across a reload of the tab.
    await page.reload();
    await expect.poll(() => endedToggle().getAttribute('aria-expanded')).toBe('false');
    await endedToggle().click();
    expect(await card('clocked').isVisible()).toBe(true);
    await page.setViewportSize({ width: 420, height: 640 });
    await screenshot(page, '12-ended-unfolded-small');
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.getByRole('button', { name: 'Clear ended' }).click();
    await expect.poll(async () => (await api.listServers({})).length).toBe(0);
    await expect.poll(() => endedToggle().count()).toBe(0);
    await screenshot(page, '12-ended-cleared');
  });
});
