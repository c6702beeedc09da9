// One slow peer never slows anything else. The user's world: an Outpost that accepts connections and answers nothing
// (an overloaded or half-dead peer; its request_timeout is 20 s), configured next to this computer. Real parts: a
// real HTTP server on 127.0.0.1 that holds every request until the test lets it answer, a Hub over a temp home, and
// Debian's real Jupyter for the local start. The bounds below are on waiting, far under the Outpost's 20 s.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SystemInfo } from '../../shared/api.js';
import { credentialsKey } from '../../electron/core/kinds/outpost/credentials.js';
import { localJupyter, makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const flavors = { small: { max: 2, weight: 1, display_name: 'Small', current: 0 } };
const held: ServerResponse[] = [];
let answering = false;
const outpost = createServer((req, res) => {
  if (answering) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(flavors));
  else held.push(res);
});
let h: HubHarness;

beforeAll(async () => {
  await new Promise<void>((resolve) => outpost.listen(0, '127.0.0.1', resolve));
  const requestUrl = `http://127.0.0.1:${(outpost.address() as AddressInfo).port}/services`;
  h = await openHub(makeHome({ systems: { here: localJupyter, stalled: { kind: 'outpost', request_url: requestUrl } } }));
  // With credentials in the keychain the form's request goes out (without, it would fail at once, proving nothing).
  await h.hub.setSecret({ key: credentialsKey(requestUrl), value: JSON.stringify({ username: 'hubtray', password: 'secret' }) });
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  outpost.closeAllConnections();
  await new Promise((resolve) => outpost.close(resolve));
});

async function within<T>(ms: number, what: Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await what;
  expect(performance.now() - started).toBeLessThan(ms);
  return result;
}

const stalled = (systems: SystemInfo[]) => systems.find((s) => s.name === 'stalled');

it('starts a server on this computer and lists the systems while an Outpost next to it answers nothing', async () => {
  const started = await within(5_000, h.hub.start({ system: 'here', name: 'beside' }));
  expect(started.status).toBe('starting');

  const systems = await within(5_000, h.hub.listSystems());
  expect(held.length).toBeGreaterThan(0);
  expect(stalled(systems)).toMatchObject({ kind: 'outpost', form: { fields: [{ name: 'flavor', type: 'text', label: 'Flavor' }] } });
  expect(stalled(systems)?.description).toMatch(/its options could not be fetched within 3 s; showing the configured ones/);
  // Its ask is still out: a second list neither asks again nor waits for it.
  const asked = held.length;
  expect(stalled(await within(1_000, h.hub.listSystems()))?.form.fields[0]?.type).toBe('text');
  expect(held).toHaveLength(asked);

  expect((await h.waitFor('beside', ['running', 'failed'])).reason).toBeNull();
});

it('announces the Outpost’s form once it answers after all', async () => {
  const before = h.events.length;
  answering = true;
  for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(flavors));
  await expect
    .poll(() => h.events.slice(before).flatMap((e) => (e.event === 'systems' ? [stalled(e.data)] : [])).at(-1), { timeout: 10_000 })
    .toMatchObject({ form: { fields: [{ name: 'flavor', type: 'select', choices: [{ value: 'small', label: 'Small (0/2)' }] }] } });
  expect(stalled(await h.hub.listSystems())?.description).not.toMatch(/could not be fetched/);
});
