// Optional start at login: Electron's login items on macOS and Windows, an XDG autostart entry on Linux. Started
// that way, hubtray comes up in the tray only (--hidden), without opening its window.
import { app } from 'electron';
import { autostartEnabled, autostartFile, setAutostart } from './xdg-autostart.js';

export const hiddenFlag = '--hidden';

export interface LoginItem {
  enabled(): Promise<boolean>;
  set(enabled: boolean): Promise<void>;
}

export function loginItem(): LoginItem {
  if (process.platform !== 'linux') {
    return {
      enabled: async () => app.getLoginItemSettings().openAtLogin,
      set: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args: [hiddenFlag] }),
    };
  }
  const file = autostartFile();
  // An AppImage runs from a temporary mount; APPIMAGE names the file itself, which is what must be started.
  const program = process.env.APPIMAGE ? [process.env.APPIMAGE] : app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()];
  return {
    enabled: () => autostartEnabled(file),
    set: (enabled) => setAutostart(file, enabled, [...program, hiddenFlag]),
  };
}
