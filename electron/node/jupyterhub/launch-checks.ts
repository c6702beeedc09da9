// The Launcher's checks before it asks the hub for a server: not one that already runs, and not a named server past
// named_server_limit_per_user. The hub would refuse too, but later and in its own words; this says what to do.
import type { JupyterHubSystemConfig } from '../../../shared/config.js';
import { label } from './api.js';
import type { UserModel } from './models.js';

export class LaunchRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchRefused';
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
