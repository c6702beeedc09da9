// The window's Ports section, in Debian's Chromium against a real `hubtray serve`, sshd and a remote http.server: a
// port forwarded from the form answers at the link it shows, a local port another program holds is refused with the
// cause under the form, and Close ends the forward. Covers: a dashboard opened from the window, a port taken.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { removeHome } from '../fixtures/hub-harness.js';
import { fetchMarker, jupyterWithDashboard, startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';
import { freePort } from '../fixtures/ports.js';
import { screenshot } from './browser.js';
import { openUi, type UiSession } from './serve-ui.js';

let sshd: Sshd;
let client: ClientConfig;
let serve: ServeProcess;
let ui: UiSession;
let board: RemoteListener;
let squatter: net.Server;
let ownDashboard: number;

beforeAll(async () => {
  [sshd, board, ownDashboard] = await Promise.all([startSshd(), startRemoteListener('tensorboard'), freePort()]);
  squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port: 0 }, resolve));
  client = await writeClientConfig([{ alias: 'lab', sshd }], { trust: true });
  serve = await startServe(makeHome({ systems: { lab: { kind: 'ssh', host: 'lab', cmd: jupyterWithDashboard(ownDashboard) } } }), [], {
    HUBTRAY_SSH_CONFIG: client.configPath,
  });
  ui = await openUi(serve);
});

afterAll(async () => {
  await ui?.close();
  await serve?.stop();
  await Promise.all([sshd?.stop(), board?.stop(), new Promise((r) => squatter?.close(r))]);
  await client?.cleanup();
  if (serve) removeHome(serve.home);
});

describe('the Ports section of a server', () => {
  it('forwards a port from the form, refuses a busy local port in words, closes a forward, and offers the server\'s own ports', { timeout: 120_000 }, async () => {
    const { api, page, uiUrl } = ui;
    await api.start({ system: 'lab', name: 'dash' });
    await expect.poll(async () => (await api.listServers({})).find((s) => s.name === 'dash')?.status, { timeout: 60_000 }).toBe('running');
    await page.goto(new URL('#/servers/dash', uiUrl).toString());
    const form = page.getByRole('form', { name: 'Forward a port of dash' });

    await form.getByLabel('Remote port').fill(String(board.port));
    await form.getByLabel('Name').fill('board');
    await form.getByRole('button', { name: 'Forward' }).click();
    const link = page.locator('.port-list a');
    await link.waitFor();
    const url = (await link.textContent()) ?? '';
    expect(await fetchMarker(url)).toBe('tensorboard');
    expect(await page.locator('.port-list li').textContent()).toContain(`board remote port ${board.port}`);
    await screenshot(page, '15-ports-forwarded');

    const busy = (squatter.address() as net.AddressInfo).port;
    await form.getByLabel('Remote port').fill('9');
    await form.getByLabel('Local port').fill(String(busy));
    await form.getByRole('button', { name: 'Forward' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent(), { timeout: 10_000 })
      .toBe(`cannot forward port 9 of dash: local port ${busy} on 127.0.0.1 is already in use; stop whatever listens there or choose another port`);

    await page.getByRole('button', { name: 'Close forward board' }).click();
    await page.locator('.port-list').waitFor({ state: 'detached' });
    expect(await fetchMarker(url)).toBeNull();

    // The dashboard the server's own process started is offered; the host's other listeners (tensorboard) are not.
    await page.getByRole('button', { name: 'Find ports' }).click();
    await page.getByRole('button', { name: `Forward port ${ownDashboard}` }).click();
    await page.locator('.port-list li').waitFor();
    expect(await page.locator('.port-list li').textContent()).toContain(`port-${ownDashboard} remote port ${ownDashboard}`);
    expect(await page.getByRole('button', { name: `Forward port ${board.port}` }).count()).toBe(0);
  });
});
