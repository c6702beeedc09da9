// Which Hub events deserve a desktop notification, and where a click on one leads: a server became ready (a click
// opens it), failed, lost, or stopped by itself; its walltime is about to end; the idle culler is about to stop it;
// its tunnel has been down for longer than a blip (30 s), and came back; one of its further forwards could not be
// opened (a click shows the server's page in hubtray's window). A pure function of the
// events and a clock, so it is tested without Electron; the shell only shows what it returns.
import type { HubEvent, ServerInfo } from '../../../shared/api.js';
import { foldText, noticeBody } from './notice-text.js';

/** Where a click on a notice leads: the server itself in the browser, or its page in hubtray's window. */
export type NoticeClick = { action: 'open-server'; name: string } | { action: 'show-server-page'; name: string };

export interface DesktopNotice {
  title: string;
  body: string;
  click?: NoticeClick;
}

export interface NoticesOptions {
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
  /** Its forwards that have failed, by name: each failure is told once, until it works again. */
  failedForwards: Set<string>;
}

const page = (name: string): NoticeClick => ({ action: 'show-server-page', name });

export function createNotices(options: NoticesOptions): (event: HubEvent) => void {
  const grace = options.tunnelGraceMs ?? 30_000;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const watches = new Map<string, Watch>();
  const notify = options.notify;

  const tunnel = (server: ServerInfo, watch: Watch) => {
    const down = server.status === 'running' && (server.tunnel.state === 'reconnecting' || server.tunnel.state === 'failed');
    if (down && watch.tunnelTimer === undefined && !watch.tunnelReported) {
      watch.tunnelTimer = setTimer(() => {
        watch.tunnelTimer = undefined;
        watch.tunnelReported = true;
        const { lastError } = watch.server.tunnel;
        const why = lastError ? ` (${foldText(lastError, 120).text})` : '';
        notify({ title: `${server.name}: tunnel down`, body: `No connection for ${Math.round(grace / 1000)} s${why}. hubtray keeps trying.`, click: page(server.name) });
      }, grace);
    } else if (!down) {
      if (watch.tunnelTimer !== undefined) clearTimer(watch.tunnelTimer);
      watch.tunnelTimer = undefined;
      if (watch.tunnelReported && server.status === 'running') notify({ title: `${server.name}: tunnel back`, body: 'The server can be reached again.', click: page(server.name) });
      watch.tunnelReported = false;
    }
  };

  // A forward fails on its own (its local port taken, no jupyter-server-proxy on the server) while the server runs
  // on; one that fails because the whole tunnel is down is the tunnel notice's to tell.
  const forwards = (server: ServerInfo, watch: Watch, tell: boolean) => {
    const failed = (server.forwards ?? []).filter((f) => f.health.state === 'failed');
    const tunnelDown = server.tunnel.state === 'reconnecting' || server.tunnel.state === 'failed';
    for (const f of tell && !tunnelDown ? failed : []) {
      if (watch.failedForwards.has(f.name)) continue;
      const why = f.health.lastError ?? `port ${f.remotePort} could not be forwarded`;
      notify({ title: `${server.name}: forward ${f.name} failed`, body: noticeBody(why), click: page(server.name) });
    }
    watch.failedForwards = new Set(failed.map((f) => f.name));
  };

  const changed = (before: ServerInfo['status'], server: ServerInfo) => {
    const { name } = server;
    if (before === 'starting' && server.status === 'running') notify({ title: `${name} is ready`, body: 'Click to open it, or open it from the tray or the hubtray window.', click: { action: 'open-server', name } });
    if (server.status === 'failed') notify({ title: `${name} failed`, body: server.reason ? noticeBody(server.reason) : 'No reason was given.', click: page(name) });
    // It may still run: the person should know hubtray lost sight of it, and that Re-check, Stop and Forget are there.
    if (server.status === 'lost') notify({ title: `${name}: hubtray cannot tell whether it runs`, body: server.reason ? noticeBody(server.reason) : 'hubtray keeps checking.', click: page(name) });
    if (before === 'running' && server.status === 'stopped' && server.reason !== 'stopped by the user') {
      notify({ title: `${name} stopped`, body: server.reason ? noticeBody(server.reason) : 'The server exited.', click: page(name) });
    }
  };

  return (event) => {
    if (event.event === 'notice') {
      const { topic, server, message } = event.data;
      if (topic === 'walltime' && server) notify({ title: `${server} ends soon`, body: noticeBody(message), click: page(server) });
      // The window's banner has "Keep running" and "Stop now"; the click leads there.
      if (topic === 'cull' && server) notify({ title: `${server} stops soon: idle`, body: noticeBody(message), click: page(server) });
      return;
    }
    if (event.event === 'forgotten') {
      const watch = watches.get(event.data.name);
      if (watch?.tunnelTimer !== undefined) clearTimer(watch.tunnelTimer);
      watches.delete(event.data.name);
      return;
    }
    if (event.event !== 'server') return;
    const server = event.data;
    const watch = watches.get(server.name);
    // The first sight of a server (at start-up, or a new start) is no news.
    if (!watch) {
      const fresh: Watch = { server, failedForwards: new Set() };
      watches.set(server.name, fresh);
      tunnel(server, fresh);
      forwards(server, fresh, false);
      return;
    }
    const before = watch.server.status;
    watch.server = server;
    if (before !== server.status) changed(before, server);
    tunnel(server, watch);
    forwards(server, watch, true);
  };
}
