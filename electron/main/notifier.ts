// Which Hub events deserve a desktop notification: a server became ready, failed, or stopped by itself; a tunnel
// has been down for longer than a blip (30 s), and came back. A pure function of the events and a clock, so it is
// tested without Electron; main.ts shows what it returns.
import type { HubEvent, ServerInfo } from '../../shared/api.js';

export interface DesktopNotice {
  title: string;
  body: string;
}

export interface NotifierOptions {
  notify: (notice: DesktopNotice) => void;
  tunnelGraceMs?: number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

interface Watch {
  /** The latest state, which the tunnel notice describes when its timer fires. */
  server: ServerInfo;
  tunnelTimer?: unknown;
  tunnelReported?: boolean;
}

export function createNotifier(options: NotifierOptions): (event: HubEvent) => void {
  const grace = options.tunnelGraceMs ?? 30_000;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const watches = new Map<string, Watch>();

  const tunnel = (server: ServerInfo, watch: Watch) => {
    const down = server.status === 'running' && (server.tunnel.state === 'reconnecting' || server.tunnel.state === 'failed');
    if (down && watch.tunnelTimer === undefined && !watch.tunnelReported) {
      watch.tunnelTimer = setTimer(() => {
        watch.tunnelTimer = undefined;
        watch.tunnelReported = true;
        const { lastError } = watch.server.tunnel;
        const why = lastError ? ` (${lastError})` : '';
        options.notify({ title: `${server.name}: tunnel down`, body: `No connection for ${Math.round(grace / 1000)} s${why}. hubtray keeps trying.` });
      }, grace);
    } else if (!down) {
      if (watch.tunnelTimer !== undefined) clearTimer(watch.tunnelTimer);
      watch.tunnelTimer = undefined;
      if (watch.tunnelReported && server.status === 'running') options.notify({ title: `${server.name}: tunnel back`, body: 'The server can be reached again.' });
      watch.tunnelReported = false;
    }
  };

  return (event) => {
    if (event.event !== 'server') return;
    const server = event.data;
    const watch = watches.get(server.name);
    // The first sight of a server (at start-up, or a new start) is no news.
    if (!watch) {
      const fresh: Watch = { server };
      watches.set(server.name, fresh);
      tunnel(server, fresh);
      return;
    }
    const before = watch.server.status;
    watch.server = server;
    if (before !== server.status) {
      if (before === 'starting' && server.status === 'running') options.notify({ title: `${server.name} is ready`, body: 'Open it from the tray or the hubtray window.' });
      if (server.status === 'failed') options.notify({ title: `${server.name} failed`, body: server.reason ?? 'No reason was given.' });
      if (before === 'running' && server.status === 'stopped' && server.reason !== 'stopped by the user') {
        options.notify({ title: `${server.name} stopped`, body: server.reason ?? 'The server exited.' });
      }
    }
    tunnel(server, watch);
  };
}
