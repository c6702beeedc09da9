// A wrong Outpost password in the keychain with nobody at a terminal (the tray closed, `hubtray serve` alone): each
// start asks once, the prompt times out (prompt_timeout), and the start fails with the Outpost's refusal. The
// password survives one refusal (an Outpost being restarted refuses good ones too) and a second one deletes it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { credentialsKey } from '../../electron/core/kinds/outpost/credentials.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { outpostRig, storeCredentials, type OutpostRig } from './helpers.js';

const WRONG = 'an-old-password-9d1e';
const keychain = new Keychain();
let rig: OutpostRig;

beforeAll(async () => {
  rig = await outpostRig({ op: {} }, { credentials: false, config: { prompt_timeout: 1 } });
  await storeCredentials(rig.h, rig.outpost.requestUrl, WRONG);
});

afterAll(() => rig?.close());

const prompts = () => rig.h.events.filter((e) => e.event === 'prompt').length;
const stored = async () => JSON.parse((await keychain.get(credentialsKey(rig.outpost.requestUrl))) ?? 'null') as { password: string } | null;

it('nobody at a terminal: one prompt per start, the Outpost’s refusal as the error, the password kept until refused twice', async () => {
  await rig.h.hub.start({ system: 'op', name: 'r1' });
  const first = await rig.h.waitFor('r1', ['failed', 'running']);
  expect(first.reason).toMatch(/^the Outpost refused the credentials \(401: Incorrect username or password\) for the \w+ request to /);
  expect(first.reason).toContain('hubtray asked for other credentials: nobody answered');
  expect(prompts()).toBe(1);
  expect((await stored())?.password).toBe(WRONG);

  await rig.h.hub.start({ system: 'op', name: 'r2' });
  const second = await rig.h.waitFor('r2', ['failed', 'running']);
  expect(second.reason).toMatch(/^the Outpost refused the credentials \(401/);
  expect(prompts()).toBe(2);
  expect(await stored()).toBeNull();
  expect(rig.outpost.rows()).toEqual([]);
});
