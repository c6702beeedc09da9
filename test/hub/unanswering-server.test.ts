// A server whose process runs but does not answer (a peer that hangs: here Debian's Jupyter server frozen with
// SIGSTOP, as a swapping or stuck host leaves one). The regular polls ask it over HTTP only every few rounds (see
// HTTP_EVERY_POLLS in server-runtime.ts), so this shows the hang is still worded within those rounds, that the
// server stays running (never stopped, nothing of it deleted), and that the words go once it answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localJupyter, makeHome, openHub, pidAlive, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const POLL_SECONDS = 1;
let h: HubHarness;
let frozen: number | null = null;

beforeAll(async () => {
  h = await openHub(makeHome({ systems: { here: { ...localJupyter, poll_interval: POLL_SECONDS, poll_jitter: 0 } } }));
});

afterAll(async () => {
  if (frozen !== null && pidAlive(frozen)) process.kill(frozen, 'SIGCONT');
  await h?.close();
  if (h) removeHome(h.home);
});

async function reasonOf(name: string): Promise<string | null | undefined> {
  return (await h.hub.listServers()).find((s) => s.name === name)?.reason;
}

describe('a server that runs but does not answer', () => {
  it('is said not to answer within a few polls, stays running, and is fine again once it answers', { timeout: 180_000 }, async () => {
    await h.hub.start({ system: 'here', name: 'frozen' });
    expect((await h.waitFor('frozen', ['running', 'failed'], 120_000)).status).toBe('running');
    const pid = h.savedState('frozen').pid as number;
    expect(await reasonOf('frozen')).toBeNull();

    const seenBefore = h.events.length;
    process.kill(pid, 'SIGSTOP');
    frozen = pid;
    const frozenAt = Date.now();
    // Four polls a second apart plus the HTTP check's own 5 s bound, with room for a loaded machine.
    await expect.poll(() => reasonOf('frozen'), { timeout: 60_000, interval: 250 }).toBe('the process runs but does not answer HTTP through the tunnel');
    console.log(`[measured] a frozen server was worded so after ${((Date.now() - frozenAt) / 1000).toFixed(1)} s at poll_interval ${POLL_SECONDS} s`);
    expect((await h.hub.listServers()).find((s) => s.name === 'frozen')?.status).toBe('running');
    expect(h.events.slice(seenBefore).some((e) => e.event === 'server' && e.data.name === 'frozen' && e.data.status !== 'running')).toBe(false);

    process.kill(pid, 'SIGCONT');
    frozen = null;
    await expect.poll(() => reasonOf('frozen'), { timeout: 30_000, interval: 250 }).toBeNull();
    expect(pidAlive(pid)).toBe(true);
  });
});
