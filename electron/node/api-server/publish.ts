// Putting a hub on the local API for other processes: a fresh token in the keychain, the server, and the
// registration in hub.json. The tray app and `hubtray serve` both do exactly this.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { HubApi, HubEventSource } from '../../../shared/api.js';
import { hubPaths } from '../config/paths.js';
import { secretKeys, type SecretStore } from '../secrets/secret-store.js';
import { refuseIfRunning, removeRegistration, writeRegistration } from './discovery.js';
import { startApiServer, type ApiServer } from './server.js';

export interface PublishOptions {
  home?: string;
  secrets: SecretStore;
  version: string;
  port?: number;
}

/**
 * Where a hub's token is kept. The keychain is per user, not per HUBTRAY_HOME: hubs on different homes (tests, a
 * user with several) must not overwrite or delete each other's token.
 */
export function apiTokenKey(home?: string): string {
  return secretKeys.apiToken(resolve(hubPaths(home).home));
}

/** Refuses (HubError 'conflict') when another live hub is registered for the same home; replaces a stale one. */
export async function publishApi(hub: HubApi & HubEventSource, options: PublishOptions): Promise<ApiServer> {
  await refuseIfRunning(options.home);
  // A fresh token per run: a token read by anyone during an earlier run is worthless now.
  const token = randomBytes(32).toString('base64url');
  const server = await startApiServer(hub, { token, port: options.port });
  const retire = async () => {
    await server.close();
    await options.secrets.delete(apiTokenKey(options.home));
  };
  try {
    await options.secrets.set(apiTokenKey(options.home), token);
    await writeRegistration({ url: server.url, pid: process.pid, version: options.version }, options.home);
  } catch (error) {
    await retire().catch(() => undefined);
    throw error;
  }
  return {
    ...server,
    close: async () => {
      await removeRegistration(process.pid, options.home);
      await retire();
    },
  };
}
