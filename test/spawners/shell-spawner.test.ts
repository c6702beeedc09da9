// The shell spawner on this computer, with real processes and Debian's real Jupyter server.
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSystem, type SpawnerSettings } from '../../shared/config.js';
import { LocalHost } from '../../electron/node/spawners/local-host.js';
import { ShellSpawner } from '../../electron/node/spawners/shell-spawner.js';
import { answersHttp } from '../../electron/node/hub/http-ready.js';

const work = mkdtempSync(join(tmpdir(), 'hubtray-spawner-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function settings(overrides: Record<string, unknown>): SpawnerSettings {
  return LocalSystem.parse({ kind: 'local', ...overrides });
}

function spawnerFor(overrides: Record<string, unknown>): ShellSpawner {
  return new ShellSpawner(settings(overrides), new LocalHost(join(work, 'run')));
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
    impostor.loadState({ ...state, lstart: 'Thu Jan  1 00:00:00 1970' });
    expect(await impostor.poll()).toBe(0);
    await impostor.stop();
    expect(alive(state.pid as number)).toBe(true);
    await spawner.stop(true);
    expect(alive(state.pid as number)).toBe(false);
  });

  it('reports a missing command and a missing notebook_dir clearly', async () => {
    await expect(start(spawnerFor({ cmd: ['no-such-jupyter-here', 'lab'] }))).rejects.toThrow(
      /no-such-jupyter-here: command not found on .*set cmd to its full path/,
    );
    await expect(start(spawnerFor({ cmd: ['/bin/sleep'], notebook_dir: join(work, 'absent') }))).rejects.toThrow(
      /notebook_dir .*absent does not exist/,
    );
  });

  it('reports "not running" before start, as JupyterHub expects', async () => {
    expect(await spawnerFor({}).poll()).toBe(0);
  });
});
