// The Launcher's checks before it asks the hub for a server: a user that exists, not a server that already runs, and
// not a named server past named_server_limit_per_user. The hub would refuse too, but later and in its own words;
// this says what to do.
import type { JupyterHubSystemConfig } from '../../../../shared/config.js';
import { label } from './api.js';
import type { HubClient } from './client.js';
import { HubApiError } from './hub-api-error.js';
import type { UserModel } from './models.js';

export class LaunchRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchRefused';
  }
}

/** The user the launch is for, with its servers; a user the hub does not have (or hide from this token) says so. */
export async function readLaunchUser(client: HubClient, name: string, createUser: boolean): Promise<UserModel> {
  try {
    return await client.api.user(name);
  } catch (error) {
    if (!(error instanceof HubApiError) || error.status !== 404) throw error;
    const remedy = createUser ? 'the hub did not let hubtray create it' : 'set create_user (with an admin token) to have hubtray create it';
    throw new LaunchRefused(`the hub has no user ${name} that this API token can see (${error.message}); ${remedy}`);
  }
}

export function checkLaunch(config: JupyterHubSystemConfig, user: UserModel, server: string): void {
  const existing = user.servers[server];
  if (existing?.ready || existing?.pending) {
    const state = existing.ready ? 'running' : `pending (${existing.pending})`;
    throw new LaunchRefused(`${label(user.name, server)} is already ${state} on the hub; open or stop it from hubtray's list`);
  }
  const limit = config.named_server_limit_per_user;
  if (!server || limit === 0 || existing) return;
  // Counted as the hub counts it: every named server that exists, stopped or not, until it is removed.
  const named = Object.keys(user.servers).filter(Boolean);
  if (named.length >= limit) {
    throw new LaunchRefused(
      `${user.name} already has ${named.length} named servers on the hub (${named.join(', ')}), and named_server_limit_per_user is ${limit}: ` +
        `remove one (on the hub's home page, or stop it from hubtray with remove_named_servers) before starting ${server}`,
    );
  }
}
