// The Electron shell: a tray and a window over the Hub. It stays thin; everything it shows or does goes through
// the Hub's contract, and the Hub is also published on the local API so the CLI (and a browser) reach the same
// servers. Quitting leaves servers running; the next start re-attaches to them.
import { app, dialog, Menu, nativeImage, Notification, shell, Tray, type BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import { type ServerInfo, type SystemInfo } from '../../shared/api.js';
import { errorMessage } from '../../shared/error-message.js';
import { hubPaths } from '../core/config/paths.js';
import { serveHub } from '../core/serving/served-hub.js';
import { registerIpc } from './ipc.js';
import { hiddenFlag, loginItem } from './login-item.js';
import { watchPowerAndNetwork } from './power.js';
import { lockDown } from './security.js';
import { createNotices, type DesktopNotice, type NoticeClick } from '../core/desktop/notices.js';
import { trayMenu, trayState, trayTooltip, type TrayActions, type TrayState } from '../core/desktop/tray-model.js';
import { missingTrayAdvice, statusNotifierWatcher } from '../core/desktop/tray-presence.js';
import { registerUiScheme, serveUiProtocol } from './ui-protocol.js';
import { createMainWindow, showServerPage } from './window.js';
import { trayStop } from '../core/desktop/tray-stop.js';

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
  // As `hubtray serve` does: the home's lock first, so a `serve` started in the same instant cannot manage the same
  // servers; another hub on this home is a dialog, not a crash.
  const served = await serveHub({ home, version: app.getVersion() }).catch((error: unknown) => {
    dialog.showErrorBox('hubtray', errorMessage(error));
    return null;
  });
  if (!served) {
    app.quit();
    return;
  }
  const { hub, api } = served;
  // Without a tray to come back from, the window must stay in sight: shown at login too, minimized when closed.
  const trayAdvice = process.platform === 'linux' ? missingTrayAdvice(process.env.XDG_CURRENT_DESKTOP, await statusNotifierWatcher()) : null;
  if (trayAdvice) hub.warn(trayAdvice);

  let quitting = false;
  const windowOptions = { preload, quitting: () => quitting, minimizeOnClose: trayAdvice !== null };
  let window: BrowserWindow | null = createMainWindow(windowOptions);
  window.on('closed', () => (window = null));
  const show = (): BrowserWindow => {
    window ??= createMainWindow(windowOptions);
    window.show();
    window.focus();
    return window;
  };
  app.on('second-instance', () => show());
  if (trayAdvice || !process.argv.includes(hiddenFlag)) window.once('ready-to-show', () => show());

  const notify = ({ title, body, click }: DesktopNotice) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    if (click) notification.on('click', () => clicked(click));
    notification.show();
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
  tray.setToolTip(trayTooltip([]));
  tray.on('click', () => show());
  let servers: ServerInfo[] = [];
  let systems: SystemInfo[] = await hub.listSystems();
  const actions: TrayActions = {
    open: (name) =>
      void openServer(name).then(({ note }) => note && notify({ title: name, body: note }), report),
    openLink: (url) => void shell.openExternal(url).catch(report),
    stop: (name) =>
      void trayStop(servers.find((s) => s.name === name)?.status, {
        kernels: () => hub.kernels({ name }),
        stop: () => hub.stop({ name }),
        askInWindow: () => showServerPage(show(), name, 'stop'),
      }).catch(report),
    keepRunning: (name) => void hub.keepRunning({ name }).catch(report),
    cancel: (name) => void hub.cancel({ name }).catch(report),
    showServer: (name) => showServerPage(show(), name),
    dismiss: (name) => void hub.forget({ name }).catch(report),
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
    tray.setToolTip(trayTooltip(servers));
  };
  const clicked = (click: NoticeClick) => (click.action === 'open-server' ? actions.open(click.name) : actions.showServer(click.name));
  const notifier = createNotices({ notify });
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
    void served.close().finally(() => app.quit());
  });
}

main().catch((error: unknown) => {
  console.error(`hubtray: ${error instanceof Error ? error.message : String(error)}`);
  app.exit(1);
});
