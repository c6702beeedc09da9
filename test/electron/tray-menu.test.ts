// The tray menu is a pure function of the Hub's state; Electron only renders it.
import { describe, expect, it, vi } from 'vitest';
import type { ServerInfo, SystemInfo } from '../../shared/api.js';
import { trayMenu, trayState } from '../../electron/main/tray-menu.js';
import { serverInfo } from '../renderer/server-info.js';

const server = (name: string, status: ServerInfo['status'], extra: Partial<ServerInfo> = {}) =>
  serverInfo(name, status, { tunnel: { state: 'connected', localPort: 8888 }, ...extra });
const systems: SystemInfo[] = [{ name: 'lab', kind: 'ssh', description: '', form: { fields: [] }, lastOptions: {}, presets: {} }];

function actions() {
  return { open: vi.fn(), stop: vi.fn(), cancel: vi.fn(), start: vi.fn(), show: vi.fn(), setStartAtLogin: vi.fn(), quit: vi.fn() };
}

describe('tray menu', () => {
  it('lists running servers with Open and Stop, starting ones with their progress, and a Start submenu', () => {
    const a = actions();
    const items = trayMenu([server('one', 'running'), server('two', 'starting', { progress: 42.4 }), server('old', 'stopped')], systems, a, { startAtLogin: false });
    expect(items.map((i) => i.label)).toEqual([
      'one — lab',
      'two — starting 42%',
      undefined,
      'Start',
      'Open hubtray',
      undefined,
      'Start hubtray at login',
      'Quit hubtray (servers keep running)',
    ]);
    items[0]!.submenu![0]!.click!();
    items[0]!.submenu![1]!.click!();
    items[1]!.submenu![0]!.click!();
    items[3]!.submenu![0]!.click!();
    expect(a.open).toHaveBeenCalledWith('one');
    expect(a.stop).toHaveBeenCalledWith('one');
    expect(a.cancel).toHaveBeenCalledWith('two');
    expect(a.start).toHaveBeenCalledWith('lab');
    items[4]!.click!();
    expect(a.show).toHaveBeenCalled();
  });

  it('offers start at login as a checkbox that toggles the current setting', () => {
    const a = actions();
    const off = trayMenu([], systems, a, { startAtLogin: false }).find((i) => i.label === 'Start hubtray at login')!;
    expect(off).toMatchObject({ type: 'checkbox', checked: false });
    off.click!();
    expect(a.setStartAtLogin).toHaveBeenLastCalledWith(true);
    const on = trayMenu([], systems, a, { startAtLogin: true }).find((i) => i.label === 'Start hubtray at login')!;
    expect(on.checked).toBe(true);
    on.click!();
    expect(a.setStartAtLogin).toHaveBeenLastCalledWith(false);
  });

  it('says when nothing runs, and disables Start without systems', () => {
    const items = trayMenu([], [], actions(), { startAtLogin: false });
    expect(items[0]).toEqual({ label: 'No servers running', enabled: false });
    expect(items.find((i) => i.label === 'Start')?.enabled).toBe(false);
  });

  it('shows idle, running or problem in the icon state', () => {
    expect(trayState([])).toBe('idle');
    expect(trayState([server('a', 'stopped')])).toBe('idle');
    expect(trayState([server('a', 'running')])).toBe('running');
    expect(trayState([server('a', 'running', { tunnel: { state: 'reconnecting' } })])).toBe('problem');
    expect(trayState([server('a', 'failed')])).toBe('problem');
  });
});
