// A full disk under a running Hub, for real: HUBTRAY_HOME on a small tmpfs that the test fills while a real Jupyter
// server runs. The Hub must stay up, say why it cannot save (as a notice and on the server), keep serving, refuse a
// new start with the cause, and save by itself once there is room again. Needs root (mount); skips where not allowed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HubEvent } from '../../shared/api.js';
import { blindPsSimulation } from '../../testkit/ps-simulations.js';
import { mountSmallDisk, type SmallDisk } from '../../testkit/small-disk.js';
import { localJupyter, openHub, pidAlive, type HubHarness } from '../fixtures/hub-harness.js';

let disk: SmallDisk;
let h: HubHarness | undefined;
const blind = blindPsSimulation();

beforeAll(async () => {
  disk = await mountSmallDisk(4096);
  if (disk.unmountable !== null) return;
  writeFileSync(join(disk.dir, 'config.json'), JSON.stringify({ systems: { here: { ...localJupyter, poll_interval: 0.5 } } }));
  h = await openHub(disk.dir);
});

afterAll(async () => {
  await disk.free().catch(() => undefined);
  await h?.close();
  await disk.remove();
  blind.remove();
});

const notices = (events: HubEvent[]) => events.flatMap((e) => (e.event === 'notice' ? [e.data.message] : []));
const savedServers = () => JSON.parse(readFileSync(join(disk.dir, 'state.json'), 'utf8')).servers as Record<string, { status: string }>;

it('a disk that fills up while a server runs: the hub stays up, says why, refuses a start with the cause, and saves once there is room', async (ctx) => {
  if (!h) return ctx.skip(disk.unmountable ?? 'no disk');
  const hub = h;
  await hub.hub.start({ system: 'here', name: 'one' });
  expect((await hub.waitFor('one', ['running', 'failed'])).status).toBe('running');
  const pid = hub.savedState('one').pid as number;
  // The faces hear of a change as it is being written; the disk fills once it is written.
  for (let i = 0; i < 100 && savedServers().one?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 20));

  await disk.fill();
  const cause = /^cannot save state: no space left on device in HUBTRAY_HOME \(/;
  await expect(hub.hub.start({ system: 'here', name: 'two' })).rejects.toThrow(cause);
  expect((await hub.hub.listServers()).map((s) => s.name)).toEqual(['one']);

  // A change the hub cannot save, while nothing frees space (an ended server's run folder would): the process check
  // starts to misreport (a ps that sees no process, simulated as in lost-server.test.ts) and the server is lost.
  const realPath = process.env.PATH ?? '';
  process.env.PATH = `${blind.dir}:${realPath}`;
  try {
    await hub.waitFor('one', ['lost']);
    // The faces see the change as it is being written; the failed write shows on the server a moment later.
    const unsaved = () => hub.hub.listServers().then((all) => all.find((s) => s.name === 'one')?.reason ?? '');
    for (let i = 0; i < 100 && !/cannot save state/.test(await unsaved()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await unsaved()).toMatch(/cannot save state: no space left on device in HUBTRAY_HOME/);
    expect(notices(hub.events).some((m) => cause.test(m) && m.includes('hubtray keeps running'))).toBe(true);
    expect(pidAlive(pid)).toBe(true);
    expect(savedServers().one?.status).toBe('running');

    const savedBefore = notices(hub.events).filter((m) => m.startsWith('hubtray can save its state again')).length;
    await disk.free();
    const deadline = Date.now() + 20_000;
    while (notices(hub.events).filter((m) => m.startsWith('hubtray can save its state again')).length === savedBefore && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(savedServers().one?.status).toBe('lost');
    const after = (await hub.hub.listServers()).find((s) => s.name === 'one');
    expect(after?.reason).not.toMatch(/cannot save state/);
  } finally {
    process.env.PATH = realPath;
  }
  expect((await hub.hub.recheck({ name: 'one' })).status).toBe('running');
  // And it serves as before.
  await hub.hub.start({ system: 'here', name: 'two' });
  expect((await hub.waitFor('two', ['running', 'failed'])).status).toBe('running');
});
