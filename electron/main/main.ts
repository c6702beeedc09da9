// The Electron shell: a tray over the Hub. It stays thin; everything it shows or does goes through the Hub's
// contract, and the Hub is also published on the local API so the CLI reaches the same servers.
import { app, Menu, nativeImage, Notification, shell, Tray } from 'electron';
import { fileURLToPath } from 'node:url';
import type { ServerInfo } from '../../shared/api.js';
import { publishApi } from '../node/api-server/publish.js';
import { hubPaths } from '../node/config/paths.js';
import { Hub } from '../node/hub/hub.js';
import { Keychain } from '../node/secrets/keychain.js';
import { trayMenu, trayState, type TrayState } from './tray-menu.js';

const icons: Record<TrayState, string> = {
  idle: fileURLToPath(new URL('../../../build/icons/tray-idle.png', import.meta.url)),
  running: fileURLToPath(new URL('../../../build/icons/tray-running.png', import.meta.url)),
  problem: fileURLToPath(new URL('../../../build/icons/tray-problem.png', import.meta.url)),
};

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const home = hubPaths().home;
  const hub = await Hub.open({ home });
  const api = await publishApi(hub, { home, secrets: new Keychain(), version: app.getVersion() });
  const tray = new Tray(nativeImage.createFromPath(icons.idle));
  tray.setToolTip('hubtray');

  const notify = (title: string, body: string) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  };
  const report = (error: unknown) => notify('hubtray', error instanceof Error ? error.message : String(error));
  const actions = {
    // Only links the API server made for the Hub's own servers reach the system browser, and they carry no token.
    open: (name: string) => void api.launchLink(name).then((link) => shell.openExternal(link)).catch(report),
    stop: (name: string) => void hub.stop({ name }).catch(report),
    cancel: (name: string) => void hub.cancel({ name }).catch(report),
    start: (system: string) => void hub.start({ system }).catch(report),
    quit: () => app.quit(),
  };

  const lastStatus = new Map<string, ServerInfo['status']>();
  const refresh = async () => {
    const [servers, systems] = await Promise.all([hub.listServers(), hub.listSystems()]);
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(servers, systems, actions)));
    tray.setImage(nativeImage.createFromPath(icons[trayState(servers)]));
  };
  hub.subscribe((event) => {
    if (event.event !== 'server') return;
    const { name, status, reason } = event.data;
    const before = lastStatus.get(name);
    lastStatus.set(name, status);
    if (before === 'starting' && status === 'running') notify(`${name} is ready`, 'Open it from the tray.');
    if (before && before !== status && status === 'failed') notify(`${name} failed`, reason ?? '');
    if (before === 'running' && status === 'stopped' && reason !== 'stopped by the user') notify(`${name} stopped`, reason ?? '');
    void refresh();
  });
  await refresh();

  // Closing hubtray leaves servers running; the next start re-attaches to them.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    event.preventDefault();
    app.removeAllListeners('before-quit');
    void Promise.all([api.close(), hub.close()]).finally(() => app.quit());
  });
}

main().catch((error: unknown) => {
  console.error(`hubtray: ${error instanceof Error ? error.message : String(error)}`);
  app.exit(1);
});
