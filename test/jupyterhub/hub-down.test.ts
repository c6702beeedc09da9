// A JupyterHub that goes down in the middle of a launch (killed with its proxy): hubtray resumes the progress stream
// with the Launcher's retries and then fails the start with a clear error. The hub is this file's own, since it dies.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';

let hub: JupyterHubFixture;
let h: HubHarness;

beforeAll(async () => {
  hub = await startJupyterHub();
  const token = await hub.userToken('carol');
  h = await openHub(
    makeHome({
      systems: {
        flaky: { kind: 'jupyterhub', hub_url: hub.url, retries: 3, retry_delay: 0.3, options_form: { fields: [{ name: 'delay', type: 'number' }] } },
      },
    }),
  );
  await h.hub.setSecret({ key: `jupyterhub-token/${hub.url}`, value: token });
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await hub?.stop();
});

it('retries when the hub goes down during a launch, then fails with a clear error and keeps the server as lost', async () => {
  await h.hub.start({ system: 'flaky', name: 'doomed', options: { delay: 30 } });
  const spawning = () => h.events.some((e) => e.event === 'progress' && e.data.name === 'doomed' && e.data.event.message === 'Spawning server...');
  for (let i = 0; i < 100 && !spawning(); i++) await new Promise((r) => setTimeout(r, 100));
  expect(spawning()).toBe(true);
  const cutAt = Date.now();
  await hub.kill();
  // The start failed, and with the hub down nothing can make sure the server it was spawning is gone: it is lost, not
  // failed, until the hub can be asked again.
  const failed = await h.waitFor('doomed', ['failed', 'running', 'lost'], 20_000);
  expect(failed.status).toBe('lost');
  expect(failed.reason).toMatch(new RegExp(`^could not reach the hub at ${hub.url}hub/api/ to follow the progress of carol's default server: .*\\(gave up after 3 attempts\\); stopping what was launched also failed`));
  // Three attempts with 0.3 s and 0.6 s between them: the retries took their time, and no longer.
  expect(Date.now() - cutAt).toBeGreaterThanOrEqual(900);
  expect(Date.now() - cutAt).toBeLessThan(15_000);
});
