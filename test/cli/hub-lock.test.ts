// hub.lock, which lets one `hubtray serve` run per HUBTRAY_HOME: taken over from a process that is gone, refused
// while its holder lives. Two serves started at once are in cli.test.ts; here the lock's own cases.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockHome } from '../../electron/node/api-server/hub-lock.js';

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

  it('is taken over from a process that is gone, from one holding no PID, and from a dead hub whose PID we got again', async () => {
    for (const stale of [`${await deadPid()}\n`, '', `${process.pid}\n`]) {
      const { home, file } = homeWithLock(stale);
      const lock = await lockHome(home);
      expect(readFileSync(file, 'utf8'), JSON.stringify(stale)).toBe(`${process.pid}\n`);
      await lock.release();
    }
  });
});
