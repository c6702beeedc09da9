// The tray as a pure function of the Hub's state, so it is tested without Electron: the menu (running servers with
// Open, their forwarded ports and Stop, starting ones with Cancel, failed ones with "Show why" and "Dismiss", Start, the window, login,
// quit), the icon's state and the tooltip that says what runs. The shell turns the items into an Electron Menu; their
// shapes are a subset of Electron's MenuItemConstructorOptions.
import type { ForwardInfo, ServerInfo, SystemInfo } from '../../../shared/api.js';

export interface TrayActions {
  open(name: string): void;
  /** Opens one of a server's forwarded ports (http://127.0.0.1:PORT/, or its jupyter-server-proxy link) in the browser. */
  openLink(url: string): void;
  stop(name: string): void;
  /** "Keep running" when the idle culler has warned that it stops the server. */
  keepRunning(name: string): void;
  cancel(name: string): void;
  /** Shows the server's page in hubtray's window: for a failed one, why it failed. */
  showServer(name: string): void;
  /** Drops an ended server from the list (the Hub's forget). */
  dismiss(name: string): void;
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
  if (current.some((s) => s.status === 'failed' || s.status === 'lost' || s.tunnel.state === 'reconnecting' || s.tunnel.state === 'failed')) return 'problem';
  return current.some((s) => s.status === 'running' || s.status === 'starting') ? 'running' : 'idle';
}

const counted: { status: ServerInfo['status']; word: string }[] = [
  { status: 'running', word: 'running' },
  { status: 'starting', word: 'starting' },
  { status: 'stopping', word: 'stopping' },
  { status: 'lost', word: 'not reachable' },
  { status: 'failed', word: 'failed' },
];

/** "hubtray: 2 running, 1 starting"; ended servers are not counted, failed ones are until dismissed. */
export function trayTooltip(servers: ServerInfo[]): string {
  const parts = counted.map(({ status, word }) => ({ n: servers.filter((s) => s.status === status).length, word })).filter(({ n }) => n > 0);
  return `hubtray: ${parts.length ? parts.map(({ n, word }) => `${n} ${word}`).join(', ') : 'no servers running'}`;
}

/** " (idle: stops in 4 min)" once the idle culler has warned; the menu is rebuilt on every server event. */
function cullCountdown(server: ServerInfo): string {
  const left = server.cullInSeconds;
  if (left === undefined) return '';
  return ` (idle: stops in ${left < 120 ? `${left} s` : `${Math.round(left / 60)} min`})`;
}

/** "Open dask (127.0.0.1:40123)", or "Open dask (through jupyter-server-proxy)", for each open forward of the server. */
function forwardItems(server: ServerInfo, actions: TrayActions): TrayMenuItem[] {
  const where = (f: ForwardInfo) => (f.via === 'server-proxy' ? 'through jupyter-server-proxy' : `127.0.0.1:${f.localPort ?? '?'}`);
  return (server.forwards ?? []).flatMap((f) => (f.url ? [{ label: `Open ${f.name} (${where(f)})`, click: () => actions.openLink(f.url as string) }] : []));
}

export function trayMenu(servers: ServerInfo[], systems: SystemInfo[], actions: TrayActions, options: TrayOptions): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  for (const server of servers.filter((s) => s.status === 'running')) {
    items.push({
      label: `${server.name} — ${server.system}${server.tunnel.state === 'reconnecting' ? ' (reconnecting)' : ''}${cullCountdown(server)}`,
      type: 'submenu',
      submenu: [
        { label: 'Open in browser', click: () => actions.open(server.name) },
        ...forwardItems(server, actions),
        ...(server.cullInSeconds !== undefined ? [{ label: 'Keep running', click: () => actions.keepRunning(server.name) }] : []),
        { label: 'Stop', click: () => actions.stop(server.name) },
      ],
    });
  }
  for (const server of servers.filter((s) => s.status === 'starting')) {
    items.push({
      label: `${server.name} — starting ${Math.round(server.progress)}%`,
      type: 'submenu',
      submenu: [{ label: 'Cancel', click: () => actions.cancel(server.name) }],
    });
  }
  for (const server of servers.filter((s) => s.status === 'failed')) {
    items.push({
      label: `${server.name} — failed`,
      type: 'submenu',
      submenu: [
        { label: 'Show why', click: () => actions.showServer(server.name) },
        { label: 'Dismiss', click: () => actions.dismiss(server.name) },
      ],
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
