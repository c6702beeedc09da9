// hub.lock: the one hub per HUBTRAY_HOME. Checking hub.json and then registering leaves a gap in which two hubs
// started at the same instant both find nobody running; creating hub.lock is atomic, so exactly one of them gets it.
// The file holds its owner's PID, so that a lock left by a hub that was killed is recognised by the PID being gone.
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HubError } from '../../../shared/api.js';
import { processExists } from '../boundary/registration.js';

/** A breaker that died while breaking a stale lock leaves its guard; older than this, the guard is its. */
const GUARD_STALE_MS = 10_000;

/** The locks this process holds, so that our own PID in a lock is told apart from a dead hub's that we got again. */
const held = new Set<string>();

export interface HubLock {
  release(): Promise<void>;
}

/** Takes hub.lock in `home` for this process, or refuses (HubError 'conflict') while another live process holds it. */
export async function lockHome(home: string): Promise<HubLock> {
  const file = join(home, 'hub.lock');
  const refuse = (pid: number) =>
    new HubError('conflict', `hubtray is already running (pid ${pid}) for ${home}; if pid ${pid} is not hubtray, delete ${file}`);
  for (let attempt = 0; attempt < 20; attempt++) {
    if (held.has(file)) throw refuse(process.pid);
    // Marked before the lock exists, so that a second call in this process meanwhile is refused too.
    held.add(file);
    if (await create(file)) {
      return {
        release: async () => {
          held.delete(file);
          // Only if still ours: after a hand deletion (see the conflict message) it may be a successor's now.
          if ((await holderOf(file)) === process.pid) await rm(file, { force: true });
        },
      };
    }
    held.delete(file);
    const holder = await holderOf(file);
    // Our own PID in a lock we do not hold is a killed hub's, whose PID this process got again (a restarted container).
    if (holder !== null && holder !== process.pid && processExists(holder)) throw refuse(holder);
    await breakStale(file, holder);
  }
  throw new HubError('conflict', `could not take ${file}: other hubtray processes keep starting and stopping`);
}

/**
 * Creates the lock with our PID already in it: written to a file of our own, then linked into place, which fails
 * if the lock exists. Nobody ever sees an empty lock.
 */
async function create(file: string): Promise<boolean> {
  const mine = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(mine, `${process.pid}\n`, { mode: 0o600 });
  try {
    await link(mine, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(mine, { force: true });
  }
}

/** The PID in the lock; null when there is no lock (its owner released it meanwhile) or it holds no PID (a hand edit). */
async function holderOf(file: string): Promise<number | null> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const pid = Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Removes a lock whose owner `dead` is gone (null: a lock with no PID in it). Two hubs may find it stale at once: a guard file lets one of them break
 * it, and that one checks again that the lock is still `dead`'s, so a lock just taken by the other is never removed.
 */
async function breakStale(file: string, dead: number | null): Promise<void> {
  const guard = `${file}.breaking`;
  try {
    await writeFile(guard, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > GUARD_STALE_MS) await rm(guard, { force: true });
    await sleep(50);
    return;
  }
  try {
    if ((await holderOf(file)) === dead) await rm(file, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}
