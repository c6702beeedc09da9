// The UI as a person uses it: Debian's Chromium on the page `hubtray serve` prints, a real sshd, and Debian's
// Jupyter server behind hubtray's tunnel. The steps build on each other, in order, and each leaves a screenshot in
// test-results/renderer/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { startSshd, type Sshd } from '../../testkit/sshd.js';
import { launchChromium, screenshot } from './browser.js';
import { serverInfo } from './server-info.js';
import { stopLeftovers } from './serve-ui.js';

const passwordUser = 'hubtray-ui';
// A password only this test knows; the fixture resets the account when it stops.
const password = `pw-${process.pid}-${Date.now()}`;

let sshd: Sshd;
let serve: ServeProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let api: HubClient;
let uiUrl: string;
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-ui-'));

beforeAll(async () => {
  sshd = await startSshd({ users: [{ name: 'root' }, { name: passwordUser, password }], passwordAuthentication: true });
  // hubtray's SSH settings for this test: its own known_hosts, and no agent or default key of the machine's user.
  const sshConfig = join(scratch, 'ssh_config');
  writeFileSync(sshConfig, `Host *\n  UserKnownHostsFile ${join(scratch, 'known_hosts')}\n  GlobalKnownHostsFile none\n  IdentityAgent none\n`);
  process.env.HUBTRAY_SSH_CONFIG = sshConfig;
  for (const dir of ['alpha', 'beta']) mkdirSync(join(scratch, dir));
  serve = await startServe(makeHome({}));
  uiUrl = await printedUiUrl(serve);
  api = createHubClient(serve.url, new URL(uiUrl).hash.replace('#token=', ''));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
});

afterAll(async () => {
  // Nothing may be left running: stop whatever a failed step left behind.
  await stopLeftovers(api);
  await api?.close();
  await browser?.close();
  await serve?.stop();
  await sshd?.stop();
  delete process.env.HUBTRAY_SSH_CONFIG;
  if (serve) rmSync(serve.home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

async function printedUiUrl(process: ServeProcess): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const match = /^UI: (\S+)$/m.exec(process.output().stdout);
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`hubtray serve printed no UI address:\n${process.output().stdout}`);
}

const card = (name: string) => page.locator(`[data-server="${name}"]`);
const chip = (root: ReturnType<Page['locator']> | Page = page) => root.locator('[data-status]').first();

describe('the UI against hubtray serve, a real sshd and a real Jupyter server', () => {
  it('1. greets a first run with this computer and a way to add an SSH host', async () => {
    await page.goto(uiUrl);
    await expect.poll(() => page.getByRole('heading', { name: 'Start your first Jupyter server' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'This computer' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Add an SSH host' }).isVisible()).toBe(true);
    // The token left the address bar and the history for this tab's sessionStorage.
    expect(page.url()).not.toContain('token');
    await screenshot(page, '01-first-run');
  });

  it('2. adds an SSH system through the settings, validated inline, tested, and written to config.json', async () => {
    await page.getByRole('link', { name: 'Add an SSH host' }).click();
    await page.getByLabel('Name', { exact: true }).fill('lab');
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('User', { exact: true }).fill('root');
    await page.getByLabel('Port', { exact: true }).fill('70000');
    await expect.poll(() => page.locator('.field-error', { hasText: '65535' }).count()).toBe(1);
    await page.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await page.getByLabel('Key file', { exact: true }).fill(sshd.clientKeyPath);
    await page.getByLabel('Jupyter command', { exact: true }).fill('/usr/bin/jupyter server');
    await page.getByLabel('Extra arguments', { exact: true }).fill('--allow-root');
    await page.getByText('Advanced settings (JSON)').click();
    await page.getByLabel('Other settings', { exact: true }).fill(
      JSON.stringify({
        options_form: {
          fields: [
            { name: 'folder', label: 'Folder', type: 'select', choices: [{ value: join(scratch, 'alpha') }, { value: join(scratch, 'beta') }] },
            { name: 'wait', label: 'Start timeout', type: 'number', min: 10, max: 300, integer: true, default: 60 },
            { name: 'gpu', label: 'GPU', type: 'checkbox' },
          ],
        },
        apply_user_options: { folder: 'notebook_dir', wait: 'start_timeout' },
      }),
    );
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.locator('.test-result').textContent(), { timeout: 20_000 }).toMatch(/^Ready: reached ssh host 127\.0\.0\.1 as root; \/usr\/bin\/jupyter /);
    await screenshot(page, '02-add-ssh-system');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('[data-system="lab"]').count()).toBe(1);
    await screenshot(page, '02-systems');
    const config = JSON.parse(readFileSync(join(serve.home, 'config.json'), 'utf8'));
    expect(config.systems.lab).toMatchObject({ kind: 'ssh', host: '127.0.0.1', user: 'root', port: sshd.port, cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'] });
    // The built-in system stays, now written down.
    expect(config.systems['This computer'].kind).toBe('local');
  });

  it('3. starts it with options from its form, validated inline, with progress and its event log visible', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Start' }).click();
    // The choice is the page's address (a hash change), so the radio shows it checked a moment after the click, once
    // the page has followed the address; check() would insist on the instant and fail under load.
    await page.getByRole('radio', { name: /^lab/ }).click();
    await expect.poll(() => page.getByRole('radio', { name: /^lab/ }).isChecked()).toBe(true);
    await page.getByLabel('Folder', { exact: true }).selectOption(join(scratch, 'beta'));
    await page.getByLabel('Start timeout', { exact: true }).fill('5');
    await expect.poll(() => page.locator('.field-error', { hasText: 'below the minimum 10' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Start on lab' }).isDisabled()).toBe(true);
    await screenshot(page, '03-options-invalid');
    await page.getByLabel('Start timeout', { exact: true }).fill('90');
    await page.getByLabel('GPU', { exact: true }).check();
    await page.getByLabel('Server name (optional)', { exact: true }).fill('ui-lab');
    await page.getByRole('button', { name: 'Start on lab' }).click();
    await page.waitForURL(/#\/servers\/ui-lab$/);
    await expect.poll(() => page.locator('.event-log li').count()).toBeGreaterThan(0);
    expect(await page.locator('progress').first().isVisible()).toBe(true);
    await screenshot(page, '03-starting');
  });

  it('4. shows the server running, with its uptime, tunnel and options', async () => {
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 45_000 }).toBe('running');
    const ready = page.locator('.event-log li').last();
    expect(await ready.locator('.event-progress').textContent()).toBe('100%');
    expect(await ready.locator('.event-message').textContent()).toMatch(/^Server ready at http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await page.locator('.tunnel').textContent()).toMatch(/^tunnel up on 127\.0\.0\.1:\d+$/);
    expect(await page.locator('.uptime').textContent()).toMatch(/^up \d+ s$/);
    expect(await page.locator('.options-summary').textContent()).toContain(`folder="${join(scratch, 'beta')}"`);
    await screenshot(page, '04-running');
    await page.getByRole('navigation').getByRole('link', { name: 'Servers' }).click();
    expect(await chip(card('ui-lab')).getAttribute('data-status')).toBe('running');
    await screenshot(page, '04-servers');
    const [server] = (await api.listServers({})).filter((s) => s.name === 'ui-lab');
    expect(server?.userOptions).toEqual({ folder: join(scratch, 'beta'), wait: 90, gpu: true });
  });

  it('5. opens the server: the new tab loads Jupyter through the tunnel, logged in', async () => {
    const [tab] = await Promise.all([context.waitForEvent('page'), card('ui-lab').getByRole('button', { name: 'Open ui-lab in the browser' }).click()]);
    const [server] = (await api.listServers({})).filter((s) => s.name === 'ui-lab');
    // The tab opens blank at once (while the click counts as a gesture) and is sent on to the server's URL.
    await tab.waitForURL((url) => url.href.startsWith(server!.url!));
    await tab.waitForLoadState('load');
    expect(await tab.title()).toMatch(/Jupyter/);
    // Logged in: Jupyter's own API answers this tab without asking for a token again.
    const status = await tab.evaluate(async () => (await fetch('/api/status')).status);
    expect(status).toBe(200);
    await screenshot(tab, '05-jupyter');
    await tab.close();
  });

  it('6. stops it, and the server shows stopped', async () => {
    await card('ui-lab').getByRole('button', { name: 'Stop ui-lab' }).click();
    await expect.poll(() => chip(card('ui-lab')).getAttribute('data-status'), { timeout: 30_000 }).toBe('stopped');
    expect(await card('ui-lab').locator('.reason').textContent()).toBe('stopped by the user');
    await screenshot(page, '06-stopped');
  });

  it('7. asks for a password in a dialog, and starts once it is answered', async () => {
    await api.saveSystem({
      name: 'with password',
      settings: { kind: 'ssh', host: '127.0.0.1', port: sshd.port, user: passwordUser, cmd: ['/usr/bin/jupyter', 'server'] },
    });
    await page.goto(new URL('#/start/with%20password', uiUrl).toString());
    await page.getByLabel('Server name (optional)', { exact: true }).fill('pw-lab');
    await page.getByRole('button', { name: 'Start on with password' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible(), { timeout: 20_000 }).toBe(true);
    const input = dialog.locator('input[type="password"]');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    await input.fill(password);
    await screenshot(page, '07-password-prompt');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 45_000 }).toBe('running');
    await screenshot(page, '07-running-after-password');
    await page.getByRole('button', { name: 'Stop pw-lab' }).click();
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 30_000 }).toBe('stopped');
  });

  it('8. shows why a start failed', async () => {
    await api.saveSystem({
      name: 'broken',
      settings: { kind: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root', identity_file: sshd.clientKeyPath, cmd: ['/bin/sh', '-c', 'echo "boom: no Jupyter here" >&2; exit 3'] },
    });
    await page.goto(new URL('#/start/broken', uiUrl).toString());
    await page.getByLabel('Server name (optional)', { exact: true }).fill('doomed');
    await page.getByRole('button', { name: 'Start on broken' }).click();
    await page.waitForURL(/#\/servers\/doomed$/);
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    expect(await page.locator('.alert-error').textContent()).toMatch(/exited during its start.*boom: no Jupyter here/s);
    await screenshot(page, '08-failed');
  });
});

describe('more of the start flow', () => {
  it('cancels a start that is under way', async () => {
    await api.saveSystem({
      name: 'slow',
      settings: { kind: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root', identity_file: sshd.clientKeyPath, cmd: ['/bin/sh', '-c', 'exec sleep 300'], http_timeout: 60 },
    });
    await page.goto(new URL('#/start/slow', uiUrl).toString());
    await page.getByLabel('Server name (optional)', { exact: true }).fill('patience');
    await page.getByRole('button', { name: 'Start on slow' }).click();
    await page.waitForURL(/#\/servers\/patience$/);
    await expect.poll(() => page.locator('.event-log li', { hasText: 'Waiting for the server to answer' }).count(), { timeout: 20_000 }).toBe(1);
    await page.getByRole('button', { name: 'Cancel the start of patience' }).click();
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    await screenshot(page, '08-cancelled');
  });

  it('dismisses an ended server from the list, and only an ended one has the button', async () => {
    await page.goto(new URL('#/servers', uiUrl).toString());
    // Ended servers are folded under "Ended (N)".
    await page.getByRole('button', { name: /^Ended \(\d+\)$/ }).click();
    await card('doomed').waitFor();
    expect(await card('doomed').getByRole('button', { name: 'Dismiss doomed' }).isVisible()).toBe(true);
    await card('doomed').getByRole('button', { name: 'Dismiss doomed' }).click();
    await expect.poll(() => card('doomed').count()).toBe(0);
    expect((await api.listServers({})).map((s) => s.name)).not.toContain('doomed');
    // Dismissed from its own page, the view goes back to the list.
    await page.goto(new URL('#/servers/patience', uiUrl).toString());
    await page.getByRole('button', { name: 'Dismiss patience' }).click();
    await page.waitForURL(/#\/servers$/);
    expect((await api.listServers({})).map((s) => s.name)).not.toContain('patience');
    expect(await page.getByRole('button', { name: /^Dismiss/ }).count()).toBe(await page.locator('[data-status="stopped"], [data-status="failed"], [data-status="cancelled"]').count());
  });

  it('saves the form as a named preset, and loads it back', async () => {
    await page.goto(new URL('#/start/lab', uiUrl).toString());
    const wait = page.getByLabel('Start timeout', { exact: true });
    await wait.fill('120');
    await page.getByLabel('Save these options as', { exact: true }).fill('long wait');
    await page.getByRole('button', { name: 'Save preset' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved preset "long wait".' }).count()).toBe(1);
    await wait.fill('30');
    await page.getByLabel('Preset', { exact: true }).selectOption('long wait');
    await page.getByRole('button', { name: 'Load' }).click();
    expect(await wait.inputValue()).toBe('120');
    await screenshot(page, '03-presets');
    expect((await api.listSystems({})).find((s) => s.name === 'lab')?.presets).toEqual({ 'long wait': expect.objectContaining({ wait: 120 }) });
  });
});

describe('remote HTML in progress events', () => {
  it('is shown sanitized: no script runs, no handler fires, only http(s) links remain', async () => {
    const hostile = await context.newPage();
    let socket: { send(message: string): void } | undefined;
    // Playwright sits between the page and the real event socket, and adds a server of its own making to it.
    await hostile.routeWebSocket(/\/api\/events/, (ws) => {
      ws.connectToServer();
      socket = ws;
    });
    // A new tab has its own sessionStorage, so it arrives through the printed address too.
    await hostile.goto(uiUrl);
    await hostile.evaluate(() => (window.location.hash = '#/servers/evil'));
    await expect.poll(() => socket !== undefined).toBe(true);
    const html =
      '<b>bold</b><img src=x onerror="window.pwned=1"><script>window.pwned=2</script>' +
      '<a href="javascript:window.pwned=3">js</a> <a href="https://jupyter.org/">docs</a><svg onload="window.pwned=4"></svg>';
    const evil = serverInfo('evil', 'starting', { progress: 50, events: [{ progress: 50, message: 'plain text', html_message: html }] });
    socket!.send(JSON.stringify({ event: 'server', data: evil }));
    const message = hostile.locator('.event-message').first();
    await expect.poll(() => message.innerHTML()).toBe(
      '<b>bold</b><a target="_blank" rel="noopener noreferrer">js</a> <a href="https://jupyter.org/" target="_blank" rel="noopener noreferrer">docs</a>',
    );
    await hostile.locator('.event-message a', { hasText: 'js' }).click();
    await hostile.waitForTimeout(200);
    expect(await hostile.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await screenshot(hostile, '09-sanitized-html-message');
    await hostile.close();
  });

  it('the UI is served with a strict Content-Security-Policy', async () => {
    const response = await fetch(new URL('/', serve.url));
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(await response.text()).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\ssrc=)[^>]*>/);
  });
});

describe('for every person', () => {
  it('labels every control and names every button and link, on every view', async () => {
    for (const hash of ['#/servers', '#/start/lab', '#/systems', '#/edit-system/lab', '#/servers/ui-lab', '#/add-system/slurm']) {
      await page.goto(new URL(hash, uiUrl).toString());
      await page.locator('main h2').first().waitFor();
      const unnamed = await page.evaluate(() => {
        const controls = [...document.querySelectorAll('input, select, textarea')].filter(
          (el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute('aria-label'),
        );
        const actions = [...document.querySelectorAll('button, a')].filter((el) => !(el.getAttribute('aria-label') ?? el.textContent ?? '').trim());
        return [...controls, ...actions].map((el) => el.outerHTML.slice(0, 80));
      });
      expect(unnamed, hash).toEqual([]);
    }
  });

  it('is usable with the keyboard alone: the start button is reached by Tab and the form sent with Enter', async () => {
    await page.goto(new URL('#/start/lab', uiUrl).toString());
    await page.locator('main h2').first().waitFor();
    let focused = '';
    for (let i = 0; i < 40 && focused !== 'Start on lab'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('Start on lab');
    await page.getByLabel('Server name (optional)', { exact: true }).fill('keyboard');
    await page.getByLabel('Server name (optional)', { exact: true }).press('Enter');
    await page.waitForURL(/#\/servers\/keyboard$/);
    await expect.poll(() => chip().getAttribute('data-status'), { timeout: 45_000 }).toBe('running');
    await page.keyboard.press('Tab');
    await api.stop({ name: 'keyboard' });
  });

  it('keeps each card’s size while a start streams its events', async () => {
    await page.goto(new URL('#/servers', uiUrl).toString());
    await api.start({ system: 'lab', name: 'steady' });
    const heights = new Set<number>();
    await card('steady').waitFor();
    // Status and size are read in one go, so the sample belongs to one state of the card.
    const sample = () => card('steady').evaluate((el) => [el.querySelector('[data-status]')?.getAttribute('data-status'), el.getBoundingClientRect().height] as const);
    for (let [status, height] = await sample(); status === 'starting'; [status, height] = await sample()) {
      heights.add(Math.round(height));
      await page.waitForTimeout(20);
    }
    expect(heights.size).toBe(1);
    await api.stop({ name: 'steady' });
  });

  it('follows the OS’s dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(new URL('#/servers', uiUrl).toString());
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(21, 24, 28)');
    await screenshot(page, '10-dark-theme');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(246, 247, 249)');
  });
});
