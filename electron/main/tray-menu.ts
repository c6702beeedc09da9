// The tray menu as a pure function of the Hub's state, so it can be tested without Electron. main.ts turns the
// items into an Electron Menu; the shapes here are a subset of Electron's MenuItemConstructorOptions.
import type { ServerInfo, SystemInfo } from '../../shared/api.js';

export interface TrayActions {
  open(name: string): void;
  stop(name: string): void;
  cancel(name: string): void;
  start(system: string): void;
  /** Shows hubtray's window. */
  show(): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

export interface TrayOptions {
  startAtLogin: boolean;
}

export interface TrayMenuItem {
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  submenu?: TrayMenuItem[];
  click?: () => void;
}

export type TrayState = 'idle' | 'running' | 'problem';

export function trayState(servers: ServerInfo[]): TrayState {
  const current = servers.filter((s) => s.status !== 'stopped' && s.status !== 'cancelled');
  if (current.some((s) => s.status === 'failed' || s.tunnel.state === 'reconnecting' || s.tunnel.state === 'failed')) return 'problem';
  return current.some((s) => s.status === 'running' || s.status === 'starting') ? 'running' : 'idle';
}

export function trayMenu(servers: ServerInfo[], systems: SystemInfo[], actions: TrayActions, options: TrayOptions): TrayMenuItem[] {
  const running = servers.filter((s) => s.status === 'running');
  const starting = servers.filter((s) => s.status === 'starting');
  const items: TrayMenuItem[] = [];
  for (const server of running) {
    items.push({
      label: `${server.name} — ${server.system}${server.tunnel.state === 'reconnecting' ? ' (reconnecting)' : ''}`,
      type: 'submenu',
      submenu: [
        { label: 'Open in browser', click: () => actions.open(server.name) },
        { label: 'Stop', click: () => actions.stop(server.name) },
      ],
    });
  }
  for (const server of starting) {
    items.push({
      label: `${server.name} — starting ${Math.round(server.progress)}%`,
      type: 'submenu',
      submenu: [{ label: 'Cancel', click: () => actions.cancel(server.name) }],
    });
  }
  if (items.length === 0) items.push({ label: 'No servers running', enabled: false });
  items.push({ type: 'separator' });
  items.push({
    label: 'Start',
    type: 'submenu',
    enabled: systems.length > 0,
    submenu: systems.map((system) => ({ label: system.name, click: () => actions.start(system.name) })),
  });
  items.push({ label: 'Open hubtray', click: () => actions.show() });
  items.push(
    { type: 'separator' },
    { label: 'Start hubtray at login', type: 'checkbox', checked: options.startAtLogin, click: () => actions.setStartAtLogin(!options.startAtLogin) },
    { label: 'Quit hubtray (servers keep running)', click: () => actions.quit() },
  );
  return items;
}
