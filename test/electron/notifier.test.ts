// Desktop notifications are a pure function of the Hub's events and a clock.
import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../shared/api.js';
import { createNotifier, type DesktopNotice } from '../../electron/main/notifier.js';
import { serverInfo } from '../renderer/server-info.js';

const server = (status: ServerInfo['status'], extra: Partial<ServerInfo> = {}) => serverInfo('lab', status, { system: 'hpc', ...extra });

function harness() {
  const notices: DesktopNotice[] = [];
  const timers = new Map<number, () => void>();
  let next = 0;
  const notifier = createNotifier({
    notify: (n) => notices.push(n),
    setTimer: (run) => (timers.set(++next, run), next),
    clearTimer: (id) => timers.delete(id as number),
  });
  const send = (data: ServerInfo) => notifier({ event: 'server', data });
  const fire = () => [...timers.entries()].forEach(([id, run]) => (timers.delete(id), run()));
  return { notices, timers, send, fire };
}

describe('notifier', () => {
  it('says nothing about servers it sees for the first time, e.g. at start-up', () => {
    const h = harness();
    h.send(server('running'));
    h.send(server('failed', { name: 'other', reason: 'old news' }));
    expect(h.notices).toEqual([]);
  });

  it('tells when a server is ready, fails, or stops by itself, but not when the user stopped it', () => {
    const h = harness();
    h.send(server('starting'));
    h.send(server('running'));
    h.send(server('stopped', { reason: 'stopped by the user' }));
    h.send(server('starting'));
    h.send(server('failed', { reason: 'jupyter: command not found' }));
    h.send(server('starting'));
    h.send(server('running'));
    h.send(server('stopped', { reason: 'the server exited with status 1' }));
    expect(h.notices.map((n) => n.title)).toEqual(['lab is ready', 'lab failed', 'lab is ready', 'lab stopped']);
    expect(h.notices[1]?.body).toBe('jupyter: command not found');
  });

  it('tells about a tunnel down for longer than the grace period, with its latest error, and when it is back', () => {
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
    expect(h.notices).toEqual([{ title: 'lab: tunnel down', body: 'No connection for 30 s (ETIMEDOUT). hubtray keeps trying.' }]);
    h.send(server('running', { tunnel: { state: 'reconnecting', attempt: 5 } }));
    expect(h.timers.size).toBe(0);
    h.send(server('running'));
    expect(h.notices.at(-1)).toEqual({ title: 'lab: tunnel back', body: 'The server can be reached again.' });
  });

  it('forgets a pending tunnel notice when the server stops', () => {
    const h = harness();
    h.send(server('running'));
    h.send(server('running', { tunnel: { state: 'failed', lastError: 'gone' } }));
    h.send(server('stopped', { reason: 'stopped by the user' }));
    expect(h.timers.size).toBe(0);
    expect(h.notices).toEqual([]);
  });
});
