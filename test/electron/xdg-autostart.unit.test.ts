// Start at login on Linux: an XDG autostart entry whose Exec line survives any path.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autostartEnabled, autostartFile, desktopEntry, execArgument, setAutostart } from '../../electron/shell/xdg-autostart.js';

describe('XDG autostart', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/x' }, '/home/me')).toBe('/x/autostart/hubtray.desktop');
    expect(autostartFile({}, '/home/me')).toBe('/home/me/.config/autostart/hubtray.desktop');
  });

  it('quotes Exec arguments as the Desktop Entry Specification asks', () => {
    expect(execArgument('/opt/hubtray/hubtray')).toBe('/opt/hubtray/hubtray');
    expect(execArgument('--hidden')).toBe('--hidden');
    expect(execArgument('/home/me/My Apps/hubtray.AppImage')).toBe('"/home/me/My Apps/hubtray.AppImage"');
    // `"`, `` ` ``, `$` and `\` are backslash-escaped inside the quotes, and every backslash is doubled again.
    expect(execArgument('a"b`c$d\\e')).toBe('"a\\\\"b\\\\`c\\\\$d\\\\\\\\e"');
    expect(execArgument('100%')).toBe('100%%');
    expect(desktopEntry(['/opt/hubtray/hubtray', '--hidden'])).toContain('\nExec=/opt/hubtray/hubtray --hidden\n');
  });

  it('is written, reported and removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubtray-autostart-'));
    const file = autostartFile({ XDG_CONFIG_HOME: dir });
    try {
      expect(await autostartEnabled(file)).toBe(false);
      await setAutostart(file, true, ['/usr/bin/hubtray', '--hidden']);
      expect(await autostartEnabled(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/^\[Desktop Entry\]\nType=Application\nName=hubtray\n/);
      await setAutostart(file, false, []);
      expect(await autostartEnabled(file)).toBe(false);
      await setAutostart(file, false, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
