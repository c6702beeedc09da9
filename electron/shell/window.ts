// hubtray's one window. Closing it only hides it (minimizes it where there is no tray): the app lives in the tray,
// and Quit is in the tray's menu.
import { BrowserWindow, nativeTheme } from 'electron';
import { uiUrl } from './ui-protocol.js';

export interface WindowOptions {
  preload: string;
  /** True once the app is quitting, when closing must really close. */
  quitting: () => boolean;
  /** Closing minimizes rather than hides: there is no tray icon to bring the window back from. */
  minimizeOnClose?: boolean;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'hubtray',
    width: 1000,
    height: 760,
    minWidth: 480,
    minHeight: 400,
    show: false,
    autoHideMenuBar: true,
    // The page's own background, so that showing the window does not flash white in a dark theme.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15181c' : '#f6f7f9',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  window.on('close', (event) => {
    if (options.quitting()) return;
    event.preventDefault();
    if (options.minimizeOnClose) window.minimize();
    else window.hide();
  });
  void window.loadURL(uiUrl);
  return window;
}

/** Shows server NAME's page: a change of the page's fragment, which the UI follows without reloading. */
/** `then: 'stop'` opens the page with its Stop question (the renderer's route `#/servers/NAME/stop`). */
export function showServerPage(window: BrowserWindow, name: string, then?: 'stop'): void {
  void window.loadURL(`${uiUrl}#/servers/${encodeURIComponent(name)}${then ? `/${then}` : ''}`);
}
