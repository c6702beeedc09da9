// The Electron shell: a tray and a window over the Hub. It stays thin; everything it shows or does goes through
// the Hub's contract, and the Hub is also published on the local API so the CLI (and a browser) reach the same
// servers. Quitting leaves servers running; the next start re-attaches to them.
import { app, dialog, Menu, nativeImage, Notification, shell, Tray, type BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import type { ServerInfo, SystemInfo } from '../../shared/api.js';
import { lockHome } from '../node/api-server/hub-lock.js';
import { publishApi } from '../node/api-server/publish.js';
import { hubPaths } from '../node/config/paths.js';
import { Hub } from '../node/hub/hub.js';
import { Keychain } from '../node/secrets/keychain.js';
import { registerIpc } from './ipc.js';
import { hiddenFlag, loginItem } from './login-item.js';
import { createNotifier, type DesktopNotice } from './notifier.js';
import { watchPowerAndNetwork } from './power.js';
import { lockDown } from './security.js';
import { trayMenu, trayState, type TrayActions, type TrayState } from './tray-menu.js';
import { registerUiScheme, serveUiProtocol } from './ui-protocol.js';
import { createMainWindow } from './window.js';

const asset = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const icons: Record<TrayState, string> = {
  idle: asset('../../../build/icons/tray-idle.png'),
  running: asset('../../../build/icons/tray-running.png'),
  problem: asset('../../../build/icons/tray-problem.png'),
};
const preload = asset('../../preload/preload.cjs');

registerUiScheme();
lockDown();

async function main(): Promise<void> {
  // A second launch (from the menu, or at login while one runs) shows the running one's window instead.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  serveUiProtocol();
  const home = hubPaths().home;
  // Before Hub.open, as `hubtray serve` does: a `serve` started in the same instant must not manage the same servers.
  const lock = await lockHome(home).catch((error: unknown) => {
    dialog.showErrorBox('hubtray', error instanceof Error ? error.message : String(error));
    return null;
  });
  if (!lock) {
    app.quit();
    return;
  }
  const hub = await Hub.open({ home });
  const api = await publishApi(hub, { home, secrets: new Keychain(), version: app.getVersion() });

  let quitting = false;
  let window: BrowserWindow | null = createMainWindow({ preload, quitting: () => quitting });
  window.on('closed', () => (window = null));
  const show = () => {
    window ??= createMainWindow({ preload, quitting: () => quitting });
    window.show();
    window.focus();
  };
  app.on('second-instance', show);
  if (!process.argv.includes(hiddenFlag)) window.once('ready-to-show', show);

  const notify = ({ title, body }: DesktopNotice) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  };
  const report = (error: unknown) => notify({ title: 'hubtray', body: error instanceof Error ? error.message : String(error) });
  // Only links the API server made for the Hub's own servers reach the system browser, and they carry no token.
  const openServer = async (name: string) => {
    const { note } = await hub.open({ name });
    await shell.openExternal(await api.launchLink(name));
    return note === undefined ? {} : { note };
  };
  registerIpc({ hub, window: () => window?.webContents ?? null, openServer });

  const login = loginItem();
  let startAtLogin = await login.enabled().catch(() => false);
  const tray = new Tray(nativeImage.createFromPath(icons.idle));
  tray.setToolTip('hubtray');
  let servers: ServerInfo[] = [];
  let systems: SystemInfo[] = await hub.listSystems();
  const actions: TrayActions = {
    open: (name) =>
      void openServer(name).then(({ note }) => note && notify({ title: name, body: note }), report),
    stop: (name) => void hub.stop({ name }).catch(report),
    cancel: (name) => void hub.cancel({ name }).catch(report),
    start: (system) => void hub.start({ system }).catch(report),
    show,
    setStartAtLogin: (enabled) =>
      void login.set(enabled).then(() => {
        startAtLogin = enabled;
        render();
      }, report),
    quit: () => app.quit(),
  };
  const render = () => {
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(servers, systems, actions, { startAtLogin })));
    tray.setImage(nativeImage.createFromPath(icons[trayState(servers)]));
  };
  const notifier = createNotifier({ notify });
  hub.subscribe((event) => {
    notifier(event);
    if (event.event === 'server') servers = [...servers.filter((s) => s.name !== event.data.name), event.data];
    else if (event.event === 'forgotten') servers = servers.filter((s) => s.name !== event.data.name);
    else if (event.event === 'systems') systems = event.data;
    else return;
    render();
  });
  servers = await hub.listServers();
  render();
  const stopWatching = watchPowerAndNetwork(hub, report);

  // The tray app lives on with its window closed.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    stopWatching();
    void Promise.all([api.close(), hub.close()])
      .then(() => lock.release())
      .finally(() => app.quit());
  });
}

main().catch((error: unknown) => {
  console.error(`hubtray: ${error instanceof Error ? error.message : String(error)}`);
  app.exit(1);
});
