// "Stopped" only when proven. The user's world: a host whose process check misreports (a ps that breaks after an
// update, a PID namespace, a container whose /proc is not the server's) while the server itself still answers. That
// misreport is simulated on this computer: a `ps` first on the scripts' PATH that says "no such process" (named as the
// simulation it is); the server is Debian's real Jupyter, and its HTTP answer is real.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersHttp } from '../../electron/core/net/http-ready.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { secretKeys } from '../../electron/core/secrets/secret-store.js';
import { blindPsSimulation } from '../../testkit/ps-simulations.js';
import { localJupyter, makeHome, openHub, pidAlive, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const blind = blindPsSimulation();
const realPath = process.env.PATH ?? '';
let h: HubHarness;

beforeAll(async () => {
  h = await openHub(makeHome({ systems: { here: { ...localJupyter, poll_interval: 0.5 } } }));
});

afterAll(async () => {
  process.env.PATH = realPath;
  await h?.close();
  if (h) removeHome(h.home);
  blind.remove();
});

const misreporting = () => (process.env.PATH = `${blind.dir}:${realPath}`);
const truthful = () => (process.env.PATH = realPath);

describe('a server whose process check and HTTP answer disagree', () => {
  it('is lost, not stopped: it keeps its token, its run folder and its process, and a re-check finds it running again', async () => {
    await h.hub.start({ system: 'here', name: 'seen' });
    const running = await h.waitFor('seen', ['running', 'failed']);
    expect(running.status).toBe('running');
    const { pid, run_id: runId } = h.savedState('seen') as { pid: number; run_id: string };
    const url = running.url as string;
    const token = await new Keychain().get(secretKeys.serverToken('seen'));

    misreporting();
    const lost = await h.waitFor('seen', ['lost', 'stopped']);
    expect(lost.status).toBe('lost');
    expect(lost.reason).toMatch(/^its process check says it has exited, but it still answers HTTP with its token; hubtray keeps it/);
    expect(lost.exitStatus).toBeNull();
    // Nothing of it was deleted: the process, its run folder, its token, and what state.json says of it.
    expect(pidAlive(pid)).toBe(true);
    expect(existsSync(join(h.home, 'run', runId))).toBe(true);
    expect(await new Keychain().get(secretKeys.serverToken('seen'))).toBe(token);
    expect(h.savedState('seen')).toMatchObject({ pid, run_id: runId });
    expect(await answersHttp(url, token as string)).toBe(true);

    truthful();
    const back = await h.hub.recheck({ name: 'seen' });
    expect(back.status).toBe('running');
    expect(back.reason).toBeNull();
    expect(back.url).toBe(url);
  });

  it('a lost server is stopped by Stop (everything that carries its mark ends) and can be forgotten', async () => {
    const { pid, run_id: runId } = h.savedState('seen') as { pid: number; run_id: string };
    misreporting();
    await h.waitFor('seen', ['lost']);
    // Still misreporting: the stop finds the server by its mark, not by what ps says.
    const stopped = await h.hub.stop({ name: 'seen', now: true });
    truthful();
    expect(stopped.status).toBe('stopped');
    expect(pidAlive(pid)).toBe(false);
    expect(existsSync(join(h.home, 'run', runId))).toBe(false);

    // Forget: a lost server the user gives up on leaves the list; its process, if any, is left alone.
    await h.hub.start({ system: 'here', name: 'given-up' });
    await h.waitFor('given-up', ['running']);
    const other = h.savedState('given-up').pid as number;
    misreporting();
    await h.waitFor('given-up', ['lost']);
    truthful();
    await h.hub.forget({ name: 'given-up' });
    expect((await h.hub.listServers()).map((s) => s.name)).not.toContain('given-up');
    expect(pidAlive(other)).toBe(true);
    process.kill(other, 'SIGKILL');
  });

  it('a real end is still an end: a killed server is stopped, with no exit status it does not know', async () => {
    await h.hub.start({ system: 'here', name: 'ends' });
    await h.waitFor('ends', ['running']);
    process.kill(h.savedState('ends').pid as number, 'SIGKILL');
    const ended = await h.waitFor('ends', ['stopped', 'lost']);
    expect(ended.status).toBe('stopped');
    expect(ended.exitStatus).toBeNull();
    expect(ended.reason).toMatch(/^the server exited \(exit status unknown\)/);
  });
});
