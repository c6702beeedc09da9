// How a CLI finds the running hub: `hub.json` in HUBTRAY_HOME, mode 0600, holding `{url, pid, version}`. The
// access token is not in it; it lives in the OS keychain. Whichever hub runs (tray app or `hubtray serve`)
// registers here, and only one may run per HUBTRAY_HOME, because two would both manage the same servers.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { HubError } from '../../../shared/api.js';
import { apiPaths } from '../../../shared/http.js';
import { exchange } from '../net/http-exchange.js';
import { hubPaths } from '../config/paths.js';
import { secretKeys } from '../secrets/secret-store.js';
import { writeJsonAtomic } from '../state/atomic-file.js';

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

/**
 * Whether a process by this PID is alive. A zombie (Z: exited, not yet reaped) or a dying one (X) is not: a hub
 * SIGKILLed a moment ago stays a zombie until its parent reaps it, and must not keep its successor out. Where there is
 * no /proc (macOS), signal 0 decides alone.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // With /proc, an unreadable entry is a process that has just gone; without /proc, signal 0 said it lives.
    return !existsSync('/proc/self/stat');
  }
  // The state follows the ")" that ends the command name, which may itself hold ") ".
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

async function answersPing(url: string): Promise<boolean> {
  try {
    const reply = await exchange(new URL(apiPaths.ping, url), { method: 'GET', idleMs: 2000, maxBytes: 4096, agent: false });
    const body = JSON.parse(reply.text) as { hubtray?: unknown };
    return reply.statusCode === 200 && body.hubtray === true;
  } catch {
    return false;
  }
}

/**
 * Where a hub's token is kept. The keychain is per user, not per HUBTRAY_HOME: hubs on different homes (tests, a
 * user with several) must not overwrite or delete each other's token.
 */
export function apiTokenKey(home?: string): string {
  return secretKeys.apiToken(resolve(hubPaths(home).home));
}

/**
 * Where the access of the browser UI is kept: the token and the port the hub was last served on, so that a restarted
 * hub lets an open tab back in, at the same address, with the same token. Unlike apiTokenKey's entry (there only
 * while a hub runs) it outlives the hub, until `hubtray serve --new-token` forgets the token. Under the api-token/
 * prefix, so that it is one of hubtray's own entries, which `hubtray secret` refuses to set or delete; `ui:` keeps it
 * apart from apiTokenKey, which is a plain absolute path.
 */
export function uiAccessKey(home?: string): string {
  return secretKeys.apiToken(`ui:${resolve(hubPaths(home).home)}`);
}
