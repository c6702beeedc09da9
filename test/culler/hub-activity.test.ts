// The idle culler on a real JupyterHub 3.0's server reads the hub's last_activity too, as jupyterhub-idle-culler
// does: activity the hub records (a lab's activity report, which the server's own /api/status never shows) keeps an
// idle server, and once it ends the server is culled. The hub's proxy counts the culler's own checks as activity
// (its last_activity_interval is 2 s here, so the hub takes that in at once): those must not keep the server for
// ever, and the Hub's regular checks must not keep a server from the hub's own culler. Covers: a peer that reports
// activity the server itself does not; hubtray's own traffic seen by a peer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';

const IDLE_SECONDS = 30;
/** Longer than the span around the culler's own requests within which the hub's record is taken for them (2 × 5 s). */
const EVERY_SECONDS = 12;
let hub: JupyterHubFixture;
let h: HubHarness;

beforeAll(async () => {
  hub = await startJupyterHub({ lastActivityInterval: 2 });
  h = await openHub(
    makeHome({
      systems: {
        hub: { kind: 'jupyterhub', hub_url: hub.url, retries: 2, retry_delay: 0.2, cull_idle_timeout: IDLE_SECONDS, cull_every: EVERY_SECONDS, cull_warning: 6 },
        // No culler of hubtray's, and a check every second: four of them used to mean a request through the proxy.
        quiet: { kind: 'jupyterhub', hub_url: hub.url, retries: 2, retry_delay: 0.2, poll_interval: 1 },
      },
    }),
  );
  await h.hub.setSecret({ key: `jupyterhub-token/${hub.url}`, value: await hub.userToken('ada') });
}, 120_000);

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await hub?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the hub's last_activity", () => {
  it('keeps a server while the hub records activity, and culls it once that ends', { timeout: 180_000 }, async () => {
    await h.hub.start({ system: 'hub', name: 'reported' });
    const running = await h.waitFor('reported', ['running', 'failed'], 90_000);
    expect(running.status, running.reason ?? '').toBe('running');
    const readyAt = Date.parse(running.readyAt ?? '');

    // What jupyterhub-singleuser posts to JUPYTERHUB_ACTIVITY_URL, every second for longer than the idle timeout.
    const until = readyAt + (IDLE_SECONDS + 15) * 1000;
    while (Date.now() < until) {
      const posted = await hub.api('POST', 'users/ada/activity', { servers: { '': { last_activity: new Date().toISOString() } } });
      expect(posted.status).toBe(200);
      await sleep(1000);
    }
    const lastPost = Date.now();
    const kept = (await h.hub.listServers()).find((s) => s.name === 'reported');
    expect(kept?.status).toBe('running');
    expect(h.events.filter((e) => e.event === 'notice' && e.data.topic === 'cull')).toEqual([]);
    // The server itself says it has been idle since it started: only the hub's record kept it.
    const status = await hub.api('GET', 'users/ada');
    expect(Date.parse(status.json.servers[''].last_activity)).toBeGreaterThan(readyAt + IDLE_SECONDS * 1000);

    const stopped = await h.waitFor('reported', ['stopped', 'failed'], (IDLE_SECONDS + 3 * EVERY_SECONDS) * 1000);
    expect(stopped.reason).toBe(`stopped after ${IDLE_SECONDS} s idle (cull_idle_timeout)`);
    // Counted from the last activity the hub recorded of the user (the culler looks every 12 s), not from the start.
    expect(Date.parse(stopped.stoppedAt ?? '') - lastPost).toBeGreaterThanOrEqual((IDLE_SECONDS - EVERY_SECONDS) * 1000);
  });

  it("leaves the hub's record alone while it only watches a server", { timeout: 120_000 }, async () => {
    await h.hub.start({ system: 'quiet', name: 'watched' });
    const running = await h.waitFor('watched', ['running', 'failed'], 90_000);
    expect(running.status, running.reason ?? '').toBe('running');
    const hubSaw = async () => (await hub.api('GET', 'users/ada')).json.servers['']?.last_activity as string | undefined;
    // The start's own requests, taken in by the hub within its 2 s interval.
    await sleep(5000);
    const before = await hubSaw();
    expect(before).toBeDefined();
    await sleep(12_000);
    expect(await hubSaw()).toBe(before);
    expect((await h.hub.listServers()).find((s) => s.name === 'watched')?.status).toBe('running');
    await h.hub.stop({ name: 'watched' });
  });
});
