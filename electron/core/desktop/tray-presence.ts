// Whether the desktop will show hubtray's tray icon. Electron's tray on Linux is a StatusNotifierItem, which a
// desktop shows only where something owns org.kde.StatusNotifierWatcher on the session bus (KDE, most panels; GNOME
// only with the AppIndicator extension); elsewhere Electron falls back to the old XEmbed tray, which GNOME no longer
// has. So under GNOME with no watcher, the icon is nowhere: hubtray must keep its window in sight and say how to
// get a tray, rather than vanish into one nobody can see.
import { execFile } from 'node:child_process';

export const WATCHER_NAME = 'org.kde.StatusNotifierWatcher';

export type WatcherPresence = 'present' | 'missing' | 'unknown';

/** Asks the session bus of `env` whether anyone owns the watcher's name; 'unknown' when the bus cannot be asked. */
export function statusNotifierWatcher(env: NodeJS.ProcessEnv = process.env): Promise<WatcherPresence> {
  const args = ['--session', '--print-reply', '--reply-timeout=2000', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${WATCHER_NAME}`];
  return new Promise((resolve) => {
    execFile('dbus-send', args, { env, timeout: 5000, maxBuffer: 64 * 1024 }, (error, stdout) => {
      if (error) return resolve('unknown');
      resolve(/\bboolean true\b/.test(stdout) ? 'present' : /\bboolean false\b/.test(stdout) ? 'missing' : 'unknown');
    });
  });
}

/**
 * What to tell the user when the tray icon cannot show, or null when it can (or it cannot be told). `desktop` is
 * XDG_CURRENT_DESKTOP (e.g. "ubuntu:GNOME").
 */
export function missingTrayAdvice(desktop: string | undefined, presence: WatcherPresence): string | null {
  const gnome = (desktop ?? '').split(':').some((name) => name.toUpperCase() === 'GNOME');
  if (!gnome || presence !== 'missing') return null;
  return (
    'GNOME shows no tray icons by itself, so hubtray keeps its window open (closing it minimizes it). For the tray icon, ' +
    'install the “AppIndicator and KStatusNotifierItem Support” extension (Debian, Ubuntu: sudo apt install ' +
    'gnome-shell-extension-appindicator; Fedora: sudo dnf install gnome-shell-extension-appindicator), turn it on in ' +
    'the Extensions app, then log out and back in.'
  );
}
