// The Outpost's flavor-update callback (reference §1, "Outpost → hub callbacks" 2): with JUPYTERHUB_FLAVORS_UPDATE_URL
// in the environment (custom_env, as OutpostSpawner's documentation sets it), the Outpost posts its flavor use after
// every start and stop. hubtray hands it a token of its own for that (the server's token is revoked by the time the
// update after a stop comes), accepts it after a restart too, and shows the posted use in the form when the Outpost
// itself cannot be asked. The token may do nothing else, and no other token may post flavors.
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openHub } from '../fixtures/hub-harness.js';
import { filesContaining } from '../secrets/find-in-files.js';
import { outpostRig, type OutpostRig } from './helpers.js';

let rig: OutpostRig;

const hooks = `export const updates = (spawner, userOptions, apiUrl) => ({ JUPYTERHUB_FLAVORS_UPDATE_URL: apiUrl + '/outpostflavors/mine' });\n`;

beforeAll(async () => {
  rig = await outpostRig({ pushed: { custom_env: { hook: 'updates' } } }, { hooks, flavors: { small: { max: 2, display_name: 'Small' } } });
});

afterAll(async () => {
  await rig?.close();
});

const flavorChoices = async () => (await rig.h.hub.listSystems()).find((s) => s.name === 'pushed')?.form.fields.find((f) => f.name === 'flavor');

it('gives the Outpost a token for its flavor updates after a start and a stop, across a restart, and shows what it posted', async () => {
  await rig.h.hub.start({ system: 'pushed', name: 'fl1', options: { flavor: 'small' } });
  expect((await rig.h.waitFor('fl1', ['running', 'failed'])).reason).toBeNull();
  const env = rig.outpost.rows()[0]?.body.env as Record<string, string>;
  expect(env.JUPYTERHUB_FLAVORS_UPDATE_URL).toBe(`${env.JUPYTERHUB_API_URL}/outpostflavors/mine`);
  expect(env.JUPYTERHUB_FLAVORS_UPDATE_TOKEN).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(env.JUPYTERHUB_FLAVORS_UPDATE_TOKEN).not.toBe(env.JUPYTERHUB_API_TOKEN);
  expect(rig.outpost.flavorUpdates).toEqual([{ status: 200, flavors: { small: expect.objectContaining({ current: 1 }) } }]);

  // The token does nothing else; the lab's own token posts no flavors.
  const asOutpost = await request(`${env.JUPYTERHUB_API_URL}/user`, { headers: { authorization: `token ${env.JUPYTERHUB_FLAVORS_UPDATE_TOKEN}` } });
  await asOutpost.body.dump();
  expect(asOutpost.statusCode).toBe(403);
  const asLab = await request(env.JUPYTERHUB_FLAVORS_UPDATE_URL as string, { method: 'POST', body: '{}', headers: { authorization: `token ${env.JUPYTERHUB_API_TOKEN}` } });
  await asLab.body.dump();
  expect(asLab.statusCode).toBe(403);

  await rig.h.hub.close();
  rig.h = await openHub(rig.h.home);
  await rig.h.waitFor('fl1', ['running']);
  // The restarted personal hub listens again for the lab, which reaches it directly (its Outpost is on this computer).
  const me = await request(`${env.JUPYTERHUB_API_URL}/user`, { headers: { authorization: `token ${env.JUPYTERHUB_API_TOKEN}` } });
  await me.body.dump();
  expect(me.statusCode).toBe(200);
  await rig.h.hub.stop({ name: 'fl1' });
  expect(rig.outpost.flavorUpdates.at(-1)).toEqual({ status: 200, flavors: { small: expect.objectContaining({ current: 0 }) } });
  // Like every token, it lives in the keychain only.
  expect(await filesContaining(rig.h.home, env.JUPYTERHUB_FLAVORS_UPDATE_TOKEN as string)).toEqual([]);

  // The Outpost cannot be asked: the form shows the use it posted last.
  rig.outpost.setDown(true);
  try {
    expect(await flavorChoices()).toMatchObject({ type: 'select', choices: [{ value: 'small', label: 'Small (0/2)' }] });
  } finally {
    rig.outpost.setDown(false);
  }
});
