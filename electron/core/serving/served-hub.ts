// A hub process's life, as `hubtray serve` and the tray app both live it: take HUBTRAY_HOME's lock (before
// Hub.open, since a second hub must not even re-attach to the servers the first one manages), refuse when another
// hub is registered (the lock settles two hubs started at once; the registration catches one that holds no lock),
// open the Hub and publish it on the local API. A failure at any step undoes the steps before it; close() undoes
// them all, in reverse order.
import { publishApi } from '../api-server/publish.js';
import type { ApiServer } from '../api-server/server.js';
import { refuseIfRunning } from '../boundary/registration.js';
import { lockHome } from './hub-lock.js';
import { Hub } from '../hub/hub.js';
import { Keychain } from '../secrets/keychain.js';
import { keepRunningOnUnhandledRejections } from './last-resort.js';

export interface ServedHub {
  hub: Hub;
  api: ApiServer;
  /** Closes the API and the Hub (servers keep running), then releases the lock. */
  close(): Promise<void>;
}

export interface ServeOptions {
  home: string;
  version: string;
  /** The local API's port; 0 or absent: a random free one. */
  port?: number;
}

export async function serveHub(options: ServeOptions): Promise<ServedHub> {
  const lock = await lockHome(options.home);
  let hub: Hub | null = null;
  try {
    await refuseIfRunning(options.home);
    hub = await Hub.open({ home: options.home });
    const opened = hub;
    const stopGuard = keepRunningOnUnhandledRejections((message) => opened.notice('error', message));
    const api = await publishApi(hub, { home: options.home, secrets: new Keychain(), version: options.version, ...(options.port ? { port: options.port } : {}) });
    return {
      hub: opened,
      api,
      close: async () => {
        try {
          await Promise.all([api.close(), opened.close()]);
        } finally {
          stopGuard();
          await lock.release();
        }
      },
    };
  } catch (error) {
    try {
      await hub?.close();
    } finally {
      await lock.release();
    }
    throw error;
  }
}
