// The shell spawner on this computer, with real processes and Debian's real Jupyter server.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clockStepSimulation } from '../../testkit/ps-simulations.js';
import { LocalSystem, type SpawnerSettings } from '../../shared/config.js';
import { LocalHost } from '../../electron/core/kinds/local/local-host.js';
import { ShellSpawner } from '../../electron/core/shell-spawner/shell-spawner.js';
import { answersHttp } from '../../electron/core/net/http-ready.js';

const work = mkdtempSync(join(tmpdir(), 'hubtray-spawner-'));
/** Owns the shared host poller, as the Hub's SSH pool does. */
const pollOwner = {};
afterAll(() => rmSync(work, { recursive: true, force: true }));

function settings(overrides: Record<string, unknown>): SpawnerSettings {
  return LocalSystem.parse({ kind: 'local', ...overrides });
}

function spawnerFor(overrides: Record<string, unknown>): ShellSpawner {
  return new ShellSpawner(settings(overrides), new LocalHost(join(work, 'run')), pollOwner);
}

function start(spawner: ShellSpawner, token = 'a'.repeat(48)) {
  return spawner.start({ serverName: 'test', userOptions: {}, token, signal: new AbortController().signal });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

describe('ShellSpawner on this computer', () => {
  it('starts a real Jupyter server that answers with its token, polls it, stops it and leaves nothing behind', async () => {
    const token = 'b'.repeat(48);
    const spawner = spawnerFor({ cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'], notebook_dir: work });
    const endpoint = await start(spawner, token);
    expect(endpoint.host).toBe('127.0.0.1');
    expect(endpoint.via).toBeUndefined();
    const base = `http://127.0.0.1:${endpoint.port}/`;
    let up = false;
    // Jupyter starts in about a second alone, but far slower on two cores shared with the rest of the suite.
    for (let i = 0; i < 600 && !up; i++) {
      up = await answersHttp(base, token);
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    expect(up).toBe(true);
    expect(await answersHttp(base, 'wrong-token')).toBe(false);
    expect(await spawner.poll()).toBeNull();
    const state = spawner.getState();
    const pid = state.pid as number;
    expect(alive(pid)).toBe(true);
    // Jupyter is given the token through the environment: it is neither in argv nor printed in its log.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(token);
    expect(await spawner.logs()).not.toContain(token);

    await spawner.stop();
    expect(alive(pid)).toBe(false);
    expect(await spawner.poll()).toBe(0);
    expect(existsSync(join(work, 'run', state.run_id as string))).toBe(false);
  });

  it('passes hostile option values as data: nothing in them is executed', async () => {
    const marker = join(work, 'pwned');
    const hostile = [
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `'"; touch ${marker}; echo "'`,
      `line one\ntouch ${marker}\n`,
      `a b  c\t$HOME \\ * ?`,
    ];
    const dir = join(work, `dir $(touch pwned) \` ' " ;`);
    mkdirSync(dir);
    for (const value of hostile) {
      const out = join(work, 'out');
      const spawner = spawnerFor({
        cmd: ['/bin/sh', '-c', 'printf %s "$V" > "$OUT"; printf %s "$1" > "$OUT.arg"; pwd > "$OUT.pwd"; exec sleep 60', 'sh'],
        args: [value],
        environment: { V: value, OUT: out },
        notebook_dir: dir,
        interrupt_timeout: 1,
      });
      await start(spawner);
      for (let i = 0; i < 50 && !existsSync(`${out}.pwd`); i++) await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(out, 'utf8')).toBe(value);
      expect(readFileSync(`${out}.arg`, 'utf8')).toBe(value);
      expect(readFileSync(`${out}.pwd`, 'utf8').trim()).toBe(dir);
      await spawner.stop();
      rmSync(`${out}.pwd`);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('escalates from interrupt to terminate to kill, and ends descendants in sessions of their own', async () => {
    const kidFile = join(work, 'kid');
    const spawner = spawnerFor({
      cmd: ['/bin/sh', '-c', `trap '' INT TERM; setsid sleep 300 & echo $! > '${kidFile}'; while :; do sleep 0.1; done`],
      interrupt_timeout: 0.5,
      term_timeout: 0.5,
      kill_timeout: 2,
    });
    await start(spawner);
    for (let i = 0; i < 50 && !existsSync(kidFile); i++) await new Promise((r) => setTimeout(r, 50));
    const kid = Number(readFileSync(kidFile, 'utf8'));
    const pid = spawner.getState().pid as number;
    expect(alive(kid)).toBe(true);
    const t0 = Date.now();
    await spawner.stop();
    // Both graceful steps were waited for before SIGKILL.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(alive(pid)).toBe(false);
    expect(alive(kid)).toBe(false);
  });

  it('never mistakes a recycled PID for its server', async () => {
    const spawner = spawnerFor({ cmd: ['/bin/sh', '-c', 'exec sleep 60'] });
    await start(spawner);
    const state = spawner.getState();
    const impostor = spawnerFor({});
    // Another run's record whose PID the kernel has since given to this process: another start tick, another mark.
    impostor.loadState({ ...state, run_id: 'another-run', identity: String(state.identity).replace(/:\d+$/, ':1') });
    expect(await impostor.poll()).toBe(0);
    await impostor.stop();
    expect(alive(state.pid as number)).toBe(true);
    await spawner.stop(true);
    expect(alive(state.pid as number)).toBe(false);
  });

  // The user's world: hubtray was killed (or the laptop died) between the launch and saving what the launch printed.
  it('finds a server it knows only by its run folder, and stops it', async () => {
    const spawner = spawnerFor({ cmd: ['/bin/sh', '-c', 'exec sleep 60'] });
    await start(spawner);
    const { pid, port, run_id } = spawner.getState();
    const restarted = spawnerFor({});
    restarted.loadState({ run_id });
    expect(restarted.endpoint()).toBeNull();
    expect(await restarted.poll()).toBeNull();
    expect(restarted.getState()).toMatchObject({ pid, port, run_id });
    expect(restarted.endpoint()).toMatchObject({ host: '127.0.0.1', port });
    await restarted.stop(true);
    expect(alive(pid as number)).toBe(false);
  });

  it('a stop also ends processes of the server that left its process tree (a kernel whose server died)', async () => {
    const marker = join(work, 'orphan-pid');
    const spawner = spawnerFor({ cmd: ['/bin/sh', '-c', `setsid sh -c 'echo $$ >${marker}; exec sleep 300' & exec sleep 60`] });
    await start(spawner);
    for (let i = 0; i < 100 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 20));
    const orphan = Number(readFileSync(marker, 'utf8'));
    const server = spawner.getState().pid as number;
    // The server dies first, as a crashed Jupyter would, leaving its kernel to init.
    process.kill(server, 'SIGKILL');
    for (let i = 0; i < 50 && alive(server); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(orphan)).toBe(true);
    expect(await spawner.poll()).toBe(0);
    await spawner.stop(true);
    expect(alive(orphan)).toBe(false);
  });

  it('identifies its process by boot and clock ticks since boot, not by a wall-clock rendering', async () => {
    const spawner = spawnerFor({ cmd: ['/bin/sh', '-c', 'exec sleep 60'] });
    await start(spawner);
    const { pid, identity } = spawner.getState();
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const ticks = readFileSync(`/proc/${pid as number}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[19];
    expect(identity).toBe(`linux:${bootId}:${ticks}`);
    await spawner.stop(true);
  });

  // The user's world: a clock step on the host (NTP, a VM resumed from a snapshot, date -s). A real step moves the
  // boot time the kernel reports and with it every start time ps prints; this machine's clock must not be touched, so
  // the step is simulated for the scripts alone: a `ps` first on their PATH prints every start time 10 s later.
  describe('after a clock step on the host (simulated: a ps that prints start times 10 s later)', () => {
    const realPs = execFileSync('/bin/sh', ['-c', 'command -v ps'], { encoding: 'utf8' }).trim();
    const stepped = clockStepSimulation(10);
    afterAll(() => stepped.remove());
    const simulation = stepped.dir;
    const realPath = process.env.PATH;
    const withSteppedClock = <T>(work: () => Promise<T>): Promise<T> => stepped.during(work);

    it('the simulation shifts what ps prints', () => {
      const print = (path: string) => execFileSync('/bin/sh', ['-c', `LC_ALL=C ps -o lstart= -p ${process.pid}`], { encoding: 'utf8', env: { ...process.env, PATH: path } });
      const shift = (Date.parse(print(`${simulation}:${realPath}`)) - Date.parse(print(realPath ?? ''))) / 1000;
      expect(shift).toBe(10);
    });

    it('a running server stays running, and a real end is still noticed', async () => {
      const spawner = spawnerFor({ cmd: ['/bin/sh', '-c', 'exec sleep 60'] });
      await start(spawner);
      const pid = spawner.getState().pid as number;
      expect(await withSteppedClock(() => spawner.poll())).toBeNull();
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(await withSteppedClock(() => spawner.poll())).not.toBeNull();
    });

    it('the old identity (ps -o lstart) lost a server: shown on a process launched without the mark', async () => {
      // Launched as hubtray before the mark did: no HUBTRAY_RUN_DIR in its environment, only ps's start time saved.
      const legacy = spawn('/bin/sleep', ['60'], { detached: true, stdio: 'ignore' });
      legacy.unref();
      const pid = legacy.pid as number;
      const lstart = execFileSync(realPs, ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }).trim().replace(/\s+/g, ' ');
      const legacyRecord = { pid, lstart, port: 30000, run_id: 'legacy-run' };
      const before = spawnerFor({});
      before.loadState(legacyRecord);
      expect(before.getState().identity).toBe(`ps:${lstart}`);
      expect(await before.poll()).toBeNull();
      // This is the loss: checked for the first time after the step, by ps's start time the process is gone.
      const after = spawnerFor({});
      after.loadState(legacyRecord);
      expect(await withSteppedClock(() => after.poll())).not.toBeNull();
      expect(alive(pid)).toBe(true);
      process.kill(pid, 'SIGKILL');
    });

    it('a record of the old kind is moved onto the clock-proof identity at its first check, and survives the step', async () => {
      const spawner = spawnerFor({ cmd: ['/bin/sh', '-c', 'exec sleep 60'] });
      await start(spawner);
      const { pid, port, run_id, identity } = spawner.getState();
      const lstart = execFileSync(realPs, ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }).trim().replace(/\s+/g, ' ');
      const upgraded = spawnerFor({});
      upgraded.loadState({ pid, lstart, port, run_id });
      expect(await upgraded.poll()).toBeNull();
      expect(upgraded.getState().identity).toBe(identity);
      expect(await withSteppedClock(() => upgraded.poll())).toBeNull();
      await spawner.stop(true);
    });
  });

  it('reports a missing command and a missing notebook_dir clearly', async () => {
    await expect(start(spawnerFor({ cmd: ['no-such-jupyter-here', 'lab'] }))).rejects.toThrow(
      /^`no-such-jupyter-here` is not a command on this computer; .*\n.*set Jupyter command \[cmd\] to [\s\S]*\nno-such-jupyter-here: command not found on /,
    );
    await expect(start(spawnerFor({ cmd: ['/bin/sleep'], notebook_dir: join(work, 'absent') }))).rejects.toThrow(
      /Notebook folder \[notebook_dir\] .*absent does not exist/,
    );
  });

  it('reports "not running" before start, as JupyterHub expects', async () => {
    expect(await spawnerFor({}).poll()).toBe(0);
  });
});
