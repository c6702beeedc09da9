// A local system in the Hub with Debian's real Jupyter server: the environment JupyterHub's get_env builds,
// {username} expansion, the poll loop noticing a dead server, and a corrupt state file.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, openHub, pidAlive, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const user = userInfo().username;
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-local-'));
let h: HubHarness;

beforeAll(async () => {
  mkdirSync(join(scratch, user));
  process.env.HUBTRAY_NOT_KEPT = 'must-not-reach-the-server';
  h = await openHub(
    makeHome({
      systems: {
        here: {
          kind: 'local',
          cmd: ['/usr/bin/jupyter', 'server'],
          args: ['--allow-root'],
          environment: { RESEARCH_GROUP: 'optics' },
          mem_limit: '8G',
          mem_guarantee: '1G',
          cpu_limit: 2,
          notebook_dir: join(scratch, '{username}'),
          default_url: '/tree/{username}',
          poll_interval: 0.5,
        },
      },
    }),
  );
});

afterAll(async () => {
  delete process.env.HUBTRAY_NOT_KEPT;
  await h?.close();
  if (h) removeHome(h.home);
  rmSync(scratch, { recursive: true, force: true });
});

function environ(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

describe('local system', () => {
  it('gives the server JupyterHub-style environment, working directory and default URL', async () => {
    await h.hub.start({ system: 'here', name: 'env' });
    const server = await h.waitFor('env', ['running', 'failed']);
    expect(server.reason).toBeNull();
    expect(server.tunnel.state).toBe('none');
    const pid = h.savedState('env').pid as number;
    const env = environ(pid);
    expect(env).toMatchObject({ RESEARCH_GROUP: 'optics', MEM_LIMIT: String(8 * 1024 ** 3), MEM_GUARANTEE: String(1024 ** 3), CPU_LIMIT: '2' });
    expect(env.PATH).toBe(process.env.PATH);
    expect(env.HOME).toBe(process.env.HOME);
    // Only env_keep crosses over from hubtray's own environment.
    expect(env.HUBTRAY_NOT_KEPT).toBeUndefined();
    expect(env.DBUS_SESSION_BUS_ADDRESS).toBeUndefined();
    expect(readlinkSync(`/proc/${pid}/cwd`)).toBe(join(scratch, user));

    const { url } = await h.hub.open({ name: 'env' });
    expect(new URL(url).pathname).toBe(`/tree/${user}`);
    await h.hub.stop({ name: 'env' });
  });

  it('notices at the next poll that a running server died, and says so', async () => {
    await h.hub.start({ system: 'here', name: 'mortal' });
    await h.waitFor('mortal', ['running']);
    const pid = h.savedState('mortal').pid as number;
    process.kill(pid, 'SIGKILL');
    const server = await h.waitFor('mortal', ['stopped'], 10_000);
    expect(server.reason).toMatch(/the server exited/);
    expect(server.url).toBeNull();
    expect(pidAlive(pid)).toBe(false);
  });

  it('remembers the last options per system', async () => {
    const systems = await h.hub.listSystems();
    expect(systems.find((s) => s.name === 'here')?.lastOptions).toEqual({});
  });
});

describe('a corrupt state file', () => {
  it('is kept as a backup and reported, and the hub still starts', async () => {
    const home = makeHome({ systems: {} });
    writeFileSync(join(home, 'state.json'), '{"version": 1, "servers": {"x": tru');
    const other = await openHub(home);
    try {
      const backups = readdirSync(home).filter((f) => f.startsWith('state.json.corrupt-'));
      expect(backups).toHaveLength(1);
      expect(readFileSync(join(home, backups[0]!), 'utf8')).toBe('{"version": 1, "servers": {"x": tru');
      expect(other.hub.warnings.join('\n')).toContain(backups[0]);
      expect(await other.hub.listServers()).toEqual([]);
      // hub.log is appended asynchronously.
      const log = join(home, 'logs', 'hub.log');
      const logged = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
      for (let i = 0; i < 40 && !logged().includes(backups[0]!); i++) await new Promise((r) => setTimeout(r, 50));
      expect(logged()).toContain(backups[0]);
      // A face that subscribes later (a window opened after the start) is told too, once.
      const heard: string[] = [];
      const unsubscribe = other.hub.subscribe((event) => {
        if (event.event === 'notice') heard.push(`${event.data.level}: ${event.data.message}`);
      });
      unsubscribe();
      expect(heard).toHaveLength(1);
      expect(heard[0]).toMatch(new RegExp(`^warning: .*${backups[0]!.replace(/[.]/g, '\\.')}`));
      expect(logged().split(backups[0]!).length - 1).toBe(1);
    } finally {
      await other.close();
      removeHome(home);
    }
  });
});

describe('with no config at all', () => {
  it('offers "This computer", which starts the Jupyter that is installed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hubtray-empty-home-'));
    const bare = await openHub(home);
    try {
      expect((await bare.hub.listSystems()).map((s) => s.name)).toEqual(['This computer']);
      await bare.hub.start({ system: 'This computer' });
      const server = await bare.waitFor('this-computer', ['running', 'failed']);
      expect(server.reason).toBeNull();
      await bare.hub.stop({ name: 'this-computer' });
    } finally {
      await bare.close();
      removeHome(home);
    }
  });
});
