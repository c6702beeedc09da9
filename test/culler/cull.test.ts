// The idle culler against Debian's real Jupyter server on this computer: a server whose kernel is left idle is warned
// about, then stopped, and its event log says why; a kernel busy in time.sleep keeps it unless cull_busy; "Keep
// running" postpones the stop by one more period. Timeouts are seconds here, so the whole file takes about a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKernel } from '../../testkit/jupyter-kernel.js';
import { localJupyter, makeHome, openHub, pidAlive, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const IDLE_SECONDS = 6;
const BUSY_IDLE_SECONDS = 30;
const culled = { ...localJupyter, cull_idle_timeout: IDLE_SECONDS, cull_every: 1, cull_warning: 3 };
let h: HubHarness;

beforeAll(async () => {
  // The busy pair gets a longer idle timeout: on a loaded CI machine, starting their kernels and the sleep took
  // longer than 6 s once, and the server was (rightly) culled as idle before its kernel was busy.
  const slower = { ...culled, cull_idle_timeout: BUSY_IDLE_SECONDS };
  h = await openHub(makeHome({ systems: { here: culled, busy: slower, busyIsIdle: { ...slower, cull_busy: true }, plain: localJupyter } }));
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
});

/** The server's base URL and token, from the URL `open` hands out. */
async function reach(name: string): Promise<{ base: URL; token: string }> {
  const url = new URL((await h.hub.open({ name })).url);
  const token = url.searchParams.get('token') ?? '';
  return { base: new URL('/', url), token };
}

/**
 * Starts a kernel, waits until it is ready, and runs `code` in it; closes its channels once the kernel says it is busy,
 * so that an open connection (activity of its own) is not what keeps the server.
 */
async function runInKernel(name: string, code: string): Promise<void> {
  const { base, token } = await reach(name);
  const { channels } = await startKernel(base, token);
  try {
    await channels.begin(code);
  } finally {
    channels.close();
  }
}

/** Starts a kernel and leaves it idle. */
async function idleKernel(name: string): Promise<void> {
  const { base, token } = await reach(name);
  (await startKernel(base, token)).channels.close();
}

const cullNotices = (name: string) => h.events.filter((e) => e.event === 'notice' && e.data.topic === 'cull' && e.data.server === name).map((e) => e.data);

describe('idle culling of a local Jupyter server', () => {
  it('warns about a server whose kernel is left idle, then stops it, and the event log says why', { timeout: 90_000 }, async () => {
    await h.hub.start({ system: 'here', name: 'idle' });
    expect((await h.waitFor('idle', ['running', 'failed'], 60_000)).status).toBe('running');
    const pid = h.savedState('idle').pid as number;
    await idleKernel('idle');
    await expect.poll(() => cullNotices('idle'), { timeout: 30_000 }).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(/^idle has been idle for \d+ s; it stops in \d+ s unless you keep it running$/),
      server: 'idle',
      topic: 'cull',
    });
    const stopped = await h.waitFor('idle', ['stopped', 'failed'], 30_000);
    expect(stopped.status).toBe('stopped');
    expect(stopped.reason).toBe(`stopped after ${IDLE_SECONDS} s idle (cull_idle_timeout)`);
    expect(stopped.cullInSeconds).toBeUndefined();
    expect((await h.hub.logs({ name: 'idle', events: true })).text).toContain(`stopped after ${IDLE_SECONDS} s idle (cull_idle_timeout)`);
    expect(pidAlive(pid)).toBe(false);
  });

  it('keeps a server whose kernel is busy in time.sleep, and culls it when cull_busy counts busy as idle', { timeout: 240_000 }, async () => {
    await h.hub.start({ system: 'busy', name: 'busy' });
    await h.hub.start({ system: 'busyIsIdle', name: 'busyculled' });
    expect((await h.waitFor('busy', ['running', 'failed'], 60_000)).status).toBe('running');
    expect((await h.waitFor('busyculled', ['running', 'failed'], 60_000)).status).toBe('running');
    await Promise.all([runInKernel('busy', 'import time; time.sleep(600)'), runInKernel('busyculled', 'import time; time.sleep(600)')]);
    const culledBusy = await h.waitFor('busyculled', ['stopped', 'failed'], 60_000);
    expect(culledBusy.reason).toBe(`stopped after ${BUSY_IDLE_SECONDS} s idle (cull_idle_timeout)`);
    // The same settings but cull_busy, the same sleep, begun earlier: by now it would have been culled if busy counted.
    const busy = (await h.hub.listServers()).find((s) => s.name === 'busy');
    expect(busy?.status).toBe('running');
    expect(busy?.cullInSeconds).toBeUndefined();
    expect(cullNotices('busy')).toEqual([]);
    expect(await h.hub.kernels({ name: 'busy' })).toEqual({ total: 1, busy: 1 });
  });

  it('"Keep running" postpones the stop by one more period', { timeout: 90_000 }, async () => {
    await h.hub.start({ system: 'here', name: 'kept' });
    expect((await h.waitFor('kept', ['running', 'failed'], 60_000)).status).toBe('running');
    await expect.poll(async () => (await h.hub.listServers()).find((s) => s.name === 'kept')?.cullInSeconds, { timeout: 30_000 }).toBeDefined();
    const keptAt = Date.now();
    const kept = await h.hub.keepRunning({ name: 'kept' });
    expect(kept.status).toBe('running');
    expect(kept.cullInSeconds).toBeUndefined();
    const stopped = await h.waitFor('kept', ['stopped', 'failed'], 60_000);
    expect(stopped.reason).toBe(`stopped after ${IDLE_SECONDS} s idle (cull_idle_timeout)`);
    // Without the postponement it would have stopped within cull_warning (3 s) of the warning.
    expect(Date.parse(stopped.stoppedAt ?? '') - keptAt).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 1000);
  });

  it('refuses "Keep running" on a system that culls nothing, saying which settings would', { timeout: 90_000 }, async () => {
    await h.hub.start({ system: 'plain', name: 'plain' });
    expect((await h.waitFor('plain', ['running', 'failed'], 60_000)).status).toBe('running');
    await expect(h.hub.keepRunning({ name: 'plain' })).rejects.toThrow(/^plain is not culled when idle: its system sets no cull_idle_timeout or cull_max_age$/);
  });
});
