// A clock step on the host (NTP, a VM resumed from a snapshot, date -s) under a running Hub. A real step moves the boot
// time the kernel reports and with it every start time ps prints; this machine's clock must not be touched, so the step
// is simulated for the Hub's scripts alone: a `ps` first on their PATH that prints every start time 10 s later. The
// servers are Debian's real Jupyter; they must stay running on their ports with their tokens, and a real kill must
// still be noticed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answersHttp } from '../../electron/core/net/http-ready.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { secretKeys } from '../../electron/core/secrets/secret-store.js';
import { clockStepSimulation } from '../../testkit/ps-simulations.js';
import { localJupyter, makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const stepped = clockStepSimulation(10);
const realPath = process.env.PATH ?? '';
const names = ['a', 'b', 'c'];
let h: HubHarness;

beforeAll(async () => {
  h = await openHub(makeHome({ systems: { here: { ...localJupyter, poll_interval: 0.3 } } }));
});

afterAll(async () => {
  process.env.PATH = realPath;
  await h?.close();
  if (h) removeHome(h.home);
  stepped.remove();
});

it('servers stay running through a clock step, on their ports, with their tokens; a real kill is still noticed', async () => {
  for (const name of names) await h.hub.start({ system: 'here', name });
  const before = await Promise.all(names.map((name) => h.waitFor(name, ['running', 'failed'])));
  expect(before.map((s) => s.status)).toEqual(['running', 'running', 'running']);
  const tokens = await Promise.all(names.map((name) => new Keychain().get(secretKeys.serverToken(name))));

  process.env.PATH = `${stepped.dir}:${realPath}`;
  try {
    // Several polls (every 0.3 s) under the stepped clock.
    await new Promise((r) => setTimeout(r, 2000));
    const after = await h.hub.listServers();
    for (const [i, name] of names.entries()) {
      const server = after.find((s) => s.name === name);
      expect(server?.status).toBe('running');
      expect(server?.url).toBe(before[i]?.url);
      expect(await answersHttp(server?.url as string, tokens[i] as string)).toBe(true);
    }
    process.kill(h.savedState('b').pid as number, 'SIGKILL');
    expect((await h.waitFor('b', ['stopped', 'lost'])).status).toBe('stopped');
    expect((await h.hub.listServers()).filter((s) => s.status === 'running').map((s) => s.name)).toEqual(['a', 'c']);
  } finally {
    process.env.PATH = realPath;
  }
});
