// The tray is a pure function of the Hub's state; Electron only renders it.
import { describe, expect, it, vi } from 'vitest';
import type { ServerInfo, SystemInfo } from '../../shared/api.js';
import { trayMenu, trayState, trayTooltip } from '../../electron/core/desktop/tray-model.js';
import { serverInfo } from '../renderer/server-info.js';

const server = (name: string, status: ServerInfo['status'], extra: Partial<ServerInfo> = {}) =>
  serverInfo(name, status, { tunnel: { state: 'connected', localPort: 8888 }, ...extra });
const systems: SystemInfo[] = [{ name: 'lab', kind: 'ssh', description: '', form: { fields: [] }, lastOptions: {}, presets: {} }];

function actions() {
  return { open: vi.fn(), openLink: vi.fn(), stop: vi.fn(), keepRunning: vi.fn(), cancel: vi.fn(), showServer: vi.fn(), dismiss: vi.fn(), start: vi.fn(), show: vi.fn(), setStartAtLogin: vi.fn(), quit: vi.fn() };
}

describe('tray menu', () => {
  it('lists running servers with Open and Stop, starting ones with their progress, failed ones with Show why and Dismiss', () => {
    const a = actions();
    const servers = [server('one', 'running'), server('two', 'starting', { progress: 42.4 }), server('old', 'stopped'), server('bad', 'failed'), server('gone', 'cancelled')];
    const items = trayMenu(servers, systems, a, { startAtLogin: false });
    expect(items.map((i) => i.label)).toEqual([
      'one — lab',
      'two — starting 42%',
      'bad — failed',
      undefined,
      'Start',
      'Open hubtray',
      undefined,
      'Start hubtray at login',
      'Quit hubtray (servers keep running)',
    ]);
    expect(items[2]?.submenu?.map((i) => i.label)).toEqual(['Show why', 'Dismiss']);
    items[0]!.submenu![0]!.click!();
    items[0]!.submenu![1]!.click!();
    items[1]!.submenu![0]!.click!();
    items[2]!.submenu![0]!.click!();
    items[2]!.submenu![1]!.click!();
    items[4]!.submenu![0]!.click!();
    items[5]!.click!();
    expect(a.open).toHaveBeenCalledWith('one');
    expect(a.stop).toHaveBeenCalledWith('one');
    expect(a.cancel).toHaveBeenCalledWith('two');
    expect(a.showServer).toHaveBeenCalledWith('bad');
    expect(a.dismiss).toHaveBeenCalledWith('bad');
    expect(a.start).toHaveBeenCalledWith('lab');
    expect(a.show).toHaveBeenCalled();
  });

  it('shows the idle culler\'s countdown on a warned server, with Keep running', () => {
    const a = actions();
    const [warned, calm] = trayMenu([server('gpu', 'running', { cullInSeconds: 290 }), server('cpu', 'running')], systems, a, { startAtLogin: false });
    expect(warned?.label).toBe('gpu — lab (idle: stops in 5 min)');
    expect(warned?.submenu?.map((i) => i.label)).toEqual(['Open in browser', 'Keep running', 'Stop']);
    warned!.submenu![1]!.click!();
    expect(a.keepRunning).toHaveBeenCalledWith('gpu');
    expect(calm?.label).toBe('cpu — lab');
    expect(calm?.submenu?.map((i) => i.label)).toEqual(['Open in browser', 'Stop']);
  });

  it("offers each open forward of a running server, by its name and local port; one that is not open is left out", () => {
    const a = actions();
    const health = { state: 'connected' as const, localPort: 40123 };
    const forwards = [
      { name: 'dask', remotePort: 8787, localPort: 40123, url: 'http://127.0.0.1:40123/', origin: 'config' as const, health },
      { name: 'board', remotePort: 6006, url: null, origin: 'added' as const, health: { state: 'failed' as const, lastError: 'in use' } },
    ];
    const [dash] = trayMenu([server('dash', 'running', { forwards })], systems, a, { startAtLogin: false });
    expect(dash?.submenu?.map((i) => i.label)).toEqual(['Open in browser', 'Open dask (127.0.0.1:40123)', 'Stop']);
    dash!.submenu![1]!.click!();
    expect(a.openLink).toHaveBeenCalledWith('http://127.0.0.1:40123/');
  });

  it("offers a link through a server's jupyter-server-proxy by its name and the way it goes, and opens the link", () => {
    const a = actions();
    const link = 'https://hub.example.org/user/ada/proxy/8787/';
    const forwards = [{ name: 'dask', remotePort: 8787, url: link, via: 'server-proxy' as const, origin: 'config' as const, health: { state: 'connected' as const } }];
    const [dash] = trayMenu([server('dash', 'running', { kind: 'jupyterhub', forwards })], systems, a, { startAtLogin: false });
    expect(dash?.submenu?.map((i) => i.label)).toEqual(['Open in browser', 'Open dask (through jupyter-server-proxy)', 'Stop']);
    dash!.submenu![1]!.click!();
    expect(a.openLink).toHaveBeenCalledWith(link);
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
    const items = trayMenu([server('old', 'stopped')], [], actions(), { startAtLogin: false });
    expect(items[0]).toEqual({ label: 'No servers running', enabled: false });
    expect(items.find((i) => i.label === 'Start')?.enabled).toBe(false);
  });
});

describe('tray icon and tooltip', () => {
  it('show idle, running or problem in the icon state', () => {
    expect(trayState([])).toBe('idle');
    expect(trayState([server('a', 'stopped')])).toBe('idle');
    expect(trayState([server('a', 'running')])).toBe('running');
    expect(trayState([server('a', 'running', { tunnel: { state: 'reconnecting' } })])).toBe('problem');
    expect(trayState([server('a', 'failed')])).toBe('problem');
    expect(trayState([server('a', 'running'), server('b', 'lost')])).toBe('problem');
  });

  it('say what runs in the tooltip, ended servers left out', () => {
    expect(trayTooltip([])).toBe('hubtray: no servers running');
    expect(trayTooltip([server('a', 'stopped'), server('b', 'cancelled')])).toBe('hubtray: no servers running');
    const servers = [server('a', 'running'), server('b', 'starting'), server('c', 'running'), server('d', 'failed'), server('e', 'lost'), server('f', 'stopped')];
    expect(trayTooltip(servers)).toBe('hubtray: 2 running, 1 starting, 1 not reachable, 1 failed');
  });
});
