// The tray app for real, where Electron's binary is installed: Playwright drives its window, and the CLI reaches
// the Hub it publishes. Machines without the binary (it is fetched from the web by a postinstall) skip, saying why.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreloadApi } from '../../shared/ipc.js';
import { electronBinary } from '../../build/electron-binary.js';
import { localJupyter, makeHome, runCli } from '../fixtures/hubtray-process.js';

/** The page's view of what the preload exposes. */
type Preloaded = { hubtray: PreloadApi };

const binary = electronBinary();
const root = fileURLToPath(new URL('../..', import.meta.url));
let app: ElectronApplication;
let ui: Page;
let home: string;

describe.skipIf(!binary)('the Electron app (skipped: Electron binary not installed, its postinstall download is unavailable here)', () => {
  beforeAll(async () => {
    home = makeHome({ systems: { here: localJupyter } });
    // As root (CI), Chromium's own sandbox cannot start; the renderer's sandbox flag is what is checked below.
    app = await electron.launch({ executablePath: binary!, args: ['--no-sandbox', root], env: { ...process.env, HUBTRAY_HOME: home } });
    ui = await app.firstWindow();
    await ui.waitForLoadState('load');
  });

  afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('shows the UI from its own protocol, in a context-isolated window without Node', async () => {
    expect(ui.url()).toBe('hubtray://ui/index.html');
    await expect.poll(() => ui.getByRole('heading', { name: 'Start your first Jupyter server' }).isVisible()).toBe(true);
    expect(await ui.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
    expect(await ui.evaluate(() => Object.keys((window as unknown as Preloaded).hubtray).sort())).toEqual(['call', 'onEvent', 'openServer']);
    // Context isolation: the page holds proxies made by contextBridge, not the preload's own functions.
    expect(await ui.evaluate(() => String((window as unknown as Preloaded).hubtray.call))).toMatch(/\[native code\]/);
  });

  it('answers the contract over IPC, validating arguments in the main process', async () => {
    const reply = await ui.evaluate(() => (window as unknown as Preloaded).hubtray.call('listSystems', {}));
    expect(reply).toMatchObject({ ok: true, value: [{ name: 'here', kind: 'local' }] });
    const bad = await ui.evaluate(() => (window as unknown as Preloaded).hubtray.call('stop', { name: '../x' }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const unknown = await ui.evaluate(() => (window as unknown as Preloaded).hubtray.call('__proto__', {}));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('denies new windows and navigation away from the UI', async () => {
    expect(await ui.evaluate(() => window.open('https://example.org/') === null)).toBe(true);
    await ui.evaluate(() => (window.location.href = 'https://example.org/'));
    await ui.waitForTimeout(500);
    expect(ui.url()).toMatch(/^hubtray:\/\/ui\//);
    expect(app.windows()).toHaveLength(1);
  });

  it('hides its window on close, and serves the Hub to the CLI meanwhile', async () => {
    const afterClose = await app.evaluate(({ BrowserWindow }) => {
      BrowserWindow.getAllWindows()[0]!.close();
      return BrowserWindow.getAllWindows().map((w) => w.isVisible());
    });
    expect(afterClose).toEqual([false]);
    const systems = await runCli(home, ['systems', '--json']);
    expect(systems.code).toBe(0);
    expect(JSON.parse(systems.stdout).map((s: { name: string }) => s.name)).toEqual(['here']);
  });
});
