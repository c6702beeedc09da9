// hub.lock, which lets one `hubtray serve` run per HUBTRAY_HOME: taken over from a process that is gone, refused
// while its holder lives. Two serves started at once are in cli.test.ts; here the lock's own cases.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockHome } from '../../electron/core/serving/hub-lock.js';

const homes: string[] = [];

afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function homeWithLock(content?: string): { home: string; file: string } {
  const home = mkdtempSync(join(tmpdir(), 'hubtray-lock-'));
  homes.push(home);
  const file = join(home, 'hub.lock');
  if (content !== undefined) writeFileSync(file, content);
  return { home, file };
}

/** A PID that was in use and is not any more. */
async function deadPid(): Promise<number> {
  const child = spawn('/bin/true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

describe('hub.lock', () => {
  it('is taken, holds our PID, is refused to a second taker in this process, and is gone once released', async () => {
    const { home, file } = homeWithLock();
    const lock = await lockHome(home);
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    await expect(lockHome(home)).rejects.toThrow(`hubtray is already running (pid ${process.pid})`);
    await lock.release();
    expect(existsSync(file)).toBe(false);

    const both = await Promise.allSettled([lockHome(home), lockHome(home)]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    for (const r of both) if (r.status === 'fulfilled') await r.value.release();
  });

  it('is refused while the process in it lives, and left as it is', async () => {
    const holder = spawn('/bin/sleep', ['30']);
    try {
      const { home, file } = homeWithLock(`${holder.pid}\n`);
      await expect(lockHome(home)).rejects.toThrow(`hubtray is already running (pid ${holder.pid}) for ${home}; if pid ${holder.pid} is not hubtray, delete ${file}`);
      expect(readFileSync(file, 'utf8')).toBe(`${holder.pid}\n`);
    } finally {
      process.kill(holder.pid as number, 'SIGKILL');
    }
  });

  // The user's world: a hub SIGKILLed a moment ago is a zombie until its parent reaps it (a supervisor that is slow
  // to wait, a container's init); restarting it at once must not be refused.
  it('is taken over from a zombie: a process that has exited and is not yet reaped', async () => {
    // A parent that never reaps: sh starts a short child, then becomes a sleep that never waits for it.
    const parent = spawn('/bin/sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
      const state = () => readFileSync(`/proc/${zombie}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
      for (let i = 0; i < 100 && state() !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(state()).toBe('Z');
      // Signal 0 still reaches a zombie: the check that counted it alive.
      expect(() => process.kill(zombie, 0)).not.toThrow();
      const { home, file } = homeWithLock(`${zombie}\n`);
      const lock = await lockHome(home);
      expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
      await lock.release();
    } finally {
      process.kill(parent.pid as number, 'SIGKILL');
    }
  });

  it('is taken over from a process that is gone, from one holding no PID, and from a dead hub whose PID we got again', async () => {
    for (const stale of [`${await deadPid()}\n`, '', `${process.pid}\n`]) {
      const { home, file } = homeWithLock(stale);
      const lock = await lockHome(home);
      expect(readFileSync(file, 'utf8'), JSON.stringify(stale)).toBe(`${process.pid}\n`);
      await lock.release();
    }
  });
});
