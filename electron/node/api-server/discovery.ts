// How a CLI finds the running hub: `hub.json` in HUBTRAY_HOME, mode 0600, holding `{url, pid, version}`. The
// access token is not in it; it lives in the OS keychain. Whichever hub runs (tray app or `hubtray serve`)
// registers here, and only one may run per HUBTRAY_HOME, because two would both manage the same servers.
import { readFile, rm } from 'node:fs/promises';
import { request } from 'undici';
import { z } from 'zod';
import { HubError } from '../../../shared/api.js';
import { hubPaths } from '../config/paths.js';
import { writeJsonAtomic } from '../state/atomic-file.js';
import { pingPath } from './server.js';

export const Registration = z.object({
  url: z.url({ protocol: /^http$/ }),
  pid: z.number().int().positive(),
  version: z.string(),
});
export type Registration = z.infer<typeof Registration>;

/** The registered hub, or null when none is registered or the file is unreadable (a crash mid-write, a hand edit). */
export async function readRegistration(home?: string): Promise<Registration | null> {
  let text: string;
  try {
    text = await readFile(hubPaths(home).discovery, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = Registration.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Atomic, so that a reader never sees half a file; 0600, since it tells where the API listens. */
export function writeRegistration(registration: Registration, home?: string): Promise<void> {
  return writeJsonAtomic(hubPaths(home).discovery, registration, 0o600);
}

/** Removes the registration only if it is still `pid`'s, so that a hub never unregisters its successor. */
export async function removeRegistration(pid: number, home?: string): Promise<void> {
  if ((await readRegistration(home))?.pid === pid) await rm(hubPaths(home).discovery, { force: true });
}

/** The registered hub if it is alive: its process exists and its URL answers as a hubtray. A stale file gives null. */
export async function findLiveHub(home?: string): Promise<Registration | null> {
  const registration = await readRegistration(home);
  if (!registration || !processExists(registration.pid)) return null;
  return (await answersPing(registration.url)) ? registration : null;
}

export async function refuseIfRunning(home?: string): Promise<void> {
  const live = await findLiveHub(home);
  if (live) throw new HubError('conflict', `hubtray is already running (pid ${live.pid}) at ${live.url}`);
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answersPing(url: string): Promise<boolean> {
  try {
    const response = await request(new URL(pingPath, url), { headersTimeout: 2000, bodyTimeout: 2000 });
    const body = (await response.body.json()) as { hubtray?: unknown };
    return response.statusCode === 200 && body.hubtray === true;
  } catch {
    return false;
  }
}
