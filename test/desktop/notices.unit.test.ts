// Desktop notifications are a pure function of the Hub's events and a clock: which events become one, and where a
// click on each leads (the server itself for "ready", its page in hubtray's window for the rest).
import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../shared/api.js';
import { createNotices, type DesktopNotice } from '../../electron/core/desktop/notices.js';
import { serverInfo } from '../renderer/server-info.js';

const server = (status: ServerInfo['status'], extra: Partial<ServerInfo> = {}) => serverInfo('lab', status, { system: 'hpc', ...extra });
const page = { action: 'show-server-page', name: 'lab' };

function harness() {
  const notices: DesktopNotice[] = [];
  const timers = new Map<number, () => void>();
  let next = 0;
  const notifier = createNotices({
    notify: (n) => notices.push(n),
    setTimer: (run) => (timers.set(++next, run), next),
    clearTimer: (id) => timers.delete(id as number),
  });
  const send = (data: ServerInfo) => notifier({ event: 'server', data });
  const fire = () => [...timers.entries()].forEach(([id, run]) => (timers.delete(id), run()));
  return { notices, timers, notifier, send, fire };
}

describe('desktop notices', () => {
  it('say nothing about servers seen for the first time, e.g. at start-up', () => {
    const h = harness();
    h.send(server('running'));
    h.send(server('failed', { name: 'other', reason: 'old news' }));
    expect(h.notices).toEqual([]);
  });

  it('tell when a server is ready (a click opens it), fails or stops by itself (a click shows why), not when the user stopped it', () => {
    const h = harness();
    h.send(server('starting'));
    h.send(server('running'));
    h.send(server('stopped', { reason: 'stopped by the user' }));
    h.send(server('starting'));
    h.send(server('failed', { reason: 'JupyterLab is not installed on hpc\n--- details ---\nusage: jupyter …' }));
    h.send(server('starting'));
    h.send(server('running'));
    h.send(server('stopped', { reason: 'the server exited (exit status 1)' }));
    expect(h.notices.map((n) => [n.title, n.click])).toEqual([
      ['lab is ready', { action: 'open-server', name: 'lab' }],
      ['lab failed', page],
      ['lab is ready', { action: 'open-server', name: 'lab' }],
      ['lab stopped', page],
    ]);
    // A notification has a few lines: the cause, which is the reason's first line; the raw output is on its page.
    expect(h.notices[1]?.body).toBe("JupyterLab is not installed on hpc\nThe full text is on the server's page.");
  });

  it('tell when hubtray loses sight of a running server, with why', () => {
    const h = harness();
    h.send(server('running'));
    h.send(server('lost', { reason: 'hubtray cannot check it: ssh host hpc is unreachable' }));
    h.send(server('running'));
    expect(h.notices).toEqual([{ title: 'lab: hubtray cannot tell whether it runs', body: 'hubtray cannot check it: ssh host hpc is unreachable', click: page }]);
  });

  it('tell the walltime warning, which the window alone would show too late, and no other notice', () => {
    const h = harness();
    const message = 'lab: its walltime ends in 15 minutes, at 14:00; save your work';
    h.notifier({ event: 'notice', data: { level: 'warning', message, server: 'lab', topic: 'walltime' } });
    h.notifier({ event: 'notice', data: { level: 'error', message: 'listing the servers on hpc failed', server: 'lab' } });
    h.notifier({ event: 'notice', data: { level: 'info', message: 'hubtray can save its state again' } });
    expect(h.notices).toEqual([{ title: 'lab ends soon', body: message, click: page }]);
  });

  it('tell the idle culler\'s warning ahead of the stop, and lead to the server\'s page, which has Keep running', () => {
    const h = harness();
    const message = 'lab has been idle for 55 min; it stops in 5 min unless you keep it running';
    h.notifier({ event: 'notice', data: { level: 'warning', message, server: 'lab', topic: 'cull' } });
    expect(h.notices).toEqual([{ title: 'lab stops soon: idle', body: message, click: page }]);
  });

  it('tell a server culled for idleness as stopped, with the reason', () => {
    const h = harness();
    h.send(server('running'));
    h.send(server('stopped', { reason: 'stopped after 60 min idle (cull_idle_timeout)' }));
    expect(h.notices).toEqual([{ title: 'lab stopped', body: 'stopped after 60 min idle (cull_idle_timeout)', click: page }]);
  });

  it('tell about a tunnel down for longer than the grace period, with its latest error, and when it is back', () => {
    const h = harness();
    h.send(server('running'));
    h.send(server('running', { tunnel: { state: 'reconnecting', attempt: 1, lastError: 'ECONNRESET' } }));
    // A blip that ends before the grace period says nothing.
    h.send(server('running'));
    expect(h.timers.size).toBe(0);
    h.send(server('running', { tunnel: { state: 'reconnecting', attempt: 1, lastError: 'ECONNRESET' } }));
    h.send(server('running', { tunnel: { state: 'reconnecting', attempt: 4, lastError: 'ETIMEDOUT' } }));
    expect(h.timers.size).toBe(1);
    h.fire();
    expect(h.notices).toEqual([{ title: 'lab: tunnel down', body: 'No connection for 30 s (ETIMEDOUT). hubtray keeps trying.', click: page }]);
    h.send(server('running', { tunnel: { state: 'reconnecting', attempt: 5 } }));
    expect(h.timers.size).toBe(0);
    h.send(server('running'));
    expect(h.notices.at(-1)).toEqual({ title: 'lab: tunnel back', body: 'The server can be reached again.', click: page });
  });

  it('forget a pending tunnel notice when the server stops, or is forgotten', () => {
    const h = harness();
    h.send(server('running'));
    h.send(server('running', { tunnel: { state: 'failed', lastError: 'gone' } }));
    h.send(server('stopped', { reason: 'stopped by the user' }));
    expect(h.timers.size).toBe(0);
    h.send(server('running', { name: 'other' }));
    h.send(server('running', { name: 'other', tunnel: { state: 'reconnecting' } }));
    h.notifier({ event: 'forgotten', data: { name: 'other' } });
    expect(h.timers.size).toBe(0);
    expect(h.notices).toEqual([]);
  });

  it("tell once when one of a server's forwards fails on its own, with its cause; not when the whole tunnel is down", () => {
    const h = harness();
    const dask = { name: 'dask', remotePort: 8787, url: null, origin: 'config' as const };
    const busy = { ...dask, health: { state: 'failed' as const, lastError: 'local port 8787 on 127.0.0.1 is already in use; stop whatever listens there or choose another port' } };
    h.send(server('starting', { forwards: [{ ...dask, health: { state: 'none' } }] }));
    h.send(server('running', { forwards: [busy] }));
    h.send(server('running', { forwards: [busy] }));
    expect(h.notices.filter((n) => n.title.includes('forward'))).toEqual([{ title: 'lab: forward dask failed', body: busy.health.lastError, click: page }]);
    // Working again, then failing again: told again.
    h.send(server('running', { forwards: [{ ...dask, url: 'http://127.0.0.1:9/', health: { state: 'connected', localPort: 9 } }] }));
    h.send(server('running', { forwards: [busy] }));
    expect(h.notices.filter((n) => n.title.includes('forward'))).toHaveLength(2);
    // The tunnel down takes its forwards with it: the tunnel notice tells that, not one notice per forward.
    const other = (extra: Partial<ServerInfo>) => server('running', { name: 'other', ...extra });
    h.send(other({}));
    h.send(other({ tunnel: { state: 'failed', lastError: 'gone' }, forwards: [{ ...dask, health: { state: 'failed', lastError: 'gone' } }] }));
    expect(h.notices.filter((n) => n.title.startsWith('other'))).toEqual([]);
  });

  it('say nothing of forwards that had already failed when the server is first seen', () => {
    const h = harness();
    h.send(server('running', { forwards: [{ name: 'dask', remotePort: 8787, url: null, origin: 'config', health: { state: 'failed', lastError: 'old news' } }] }));
    expect(h.notices).toEqual([]);
  });
});
