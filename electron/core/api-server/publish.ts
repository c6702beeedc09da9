// Putting a hub on the local API for other processes: its token in the keychain, the server, and the registration
// in hub.json. The tray app and `hubtray serve` both do exactly this.
//
// The token outlives the hub: kept in the keychain with the port it was served on (uiAccessKey), and reused by the
// next hub of the same HUBTRAY_HOME, so that a browser tab left open across a restart finds the hub again at the same
// address and is let in. `hubtray serve --new-token` forgets it (forgetUiAccess), which shuts out every tab and
// client that had it. The entry the CLI reads (apiTokenKey) holds the same token only while a hub runs.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { HubApi, HubEventSource, LogFollowing } from '../../../shared/api.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { apiTokenKey, refuseIfRunning, removeRegistration, uiAccessKey, writeRegistration } from '../boundary/registration.js';
import { startApiServer, type ApiServer } from './server.js';

export interface PublishOptions {
  home?: string;
  secrets: SecretStore;
  version: string;
  /** Absent: the port the UI was last served on, if it is free, else a random free one. */
  port?: number;
}

/** What the keychain holds for the browser UI (uiAccessKey); no token once it was forgotten (forgetUiAccess). */
const UiAccess = z.object({ token: z.string().min(32).optional(), port: z.number().int().min(1).max(65535) });
type UiAccess = z.infer<typeof UiAccess>;

/** Refuses (HubError 'conflict') when another live hub is registered for the same home; replaces a stale one. */
export async function publishApi(hub: HubApi & HubEventSource & LogFollowing, options: PublishOptions): Promise<ApiServer> {
  await refuseIfRunning(options.home);
  const previous = await readUiAccess(options.secrets, options.home);
  const token = previous?.token ?? newToken();
  const server = await listen(hub, token, options.port, previous?.port);
  const retire = async () => {
    await server.close();
    await options.secrets.delete(apiTokenKey(options.home));
  };
  try {
    await options.secrets.set(apiTokenKey(options.home), token);
    const access: UiAccess = { token, port: server.port };
    await options.secrets.set(uiAccessKey(options.home), JSON.stringify(access));
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

/**
 * Forgets the token: the next hub of this home makes a new one, and tabs that have the old one are told
 * their access expired. The port is kept, so that the new address pasted into such a tab is the same page, which
 * takes the new token without a reload. For `hubtray serve --new-token`.
 */
export async function forgetUiAccess(secrets: SecretStore, home?: string): Promise<void> {
  const previous = await readUiAccess(secrets, home);
  if (previous) await secrets.set(uiAccessKey(home), JSON.stringify({ port: previous.port } satisfies UiAccess));
  else await secrets.delete(uiAccessKey(home));
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** An entry this version cannot read (a hand edit, an older format) is treated as none: a new token is made. */
async function readUiAccess(secrets: SecretStore, home?: string): Promise<UiAccess | null> {
  const text = await secrets.get(uiAccessKey(home));
  if (text === null) return null;
  try {
    const parsed = UiAccess.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** On the port asked for; else on the UI's last port, or a random one when something else has taken that. */
async function listen(hub: HubApi & HubEventSource & LogFollowing, token: string, asked: number | undefined, last: number | undefined): Promise<ApiServer> {
  if (asked || last === undefined) return startApiServer(hub, { token, ...(asked ? { port: asked } : {}) });
  try {
    return await startApiServer(hub, { token, port: last });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startApiServer(hub, { token });
  }
}
