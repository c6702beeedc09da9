// "Start at login" on Linux: an XDG autostart entry, which GNOME, KDE, Xfce and the rest read at login. Plain Node,
// so it is tested without Electron.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export function autostartFile(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'autostart', 'hubtray.desktop');
}

/** A desktop entry that runs `exec` (the program and its arguments) at login. */
export function desktopEntry(exec: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=hubtray',
    'Comment=A personal JupyterHub in the system tray',
    `Exec=${exec.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * One argument of an Exec key, per the Desktop Entry Specification: an argument with reserved characters is put in
 * double quotes with `"`, `` ` ``, `$` and `\` backslash-escaped; the key's value is then a string, whose own escape
 * rule doubles every backslash again; and `%` introduces field codes, so a literal one is `%%`.
 */
export function execArgument(arg: string): string {
  const quoted = /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
  return quoted.replaceAll('\\', '\\\\').replaceAll('%', '%%');
}

export async function autostartEnabled(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export async function setAutostart(file: string, enabled: boolean, exec: readonly string[]): Promise<void> {
  if (!enabled) return rm(file, { force: true });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, desktopEntry(exec), { mode: 0o644 });
}
