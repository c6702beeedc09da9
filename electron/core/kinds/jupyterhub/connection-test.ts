// "Test connection" for a jupyterhub system: what a start would meet, without starting anything. It reaches the hub
// (GET /hub/api/: its version), checks the API token (GET /hub/api/user: whose it is, its scopes) and the user a start
// launches for, and reports whether the hub allows named servers (its limit is not in its API). Without a stored token it
// offers the password login a start would, so a new system can be set up from its settings page.
import { randomBytes } from 'node:crypto';
import type { ConnectionReport } from '../../../../shared/api.js';
import { errorMessage } from '../../../../shared/error-message.js';
import type { JupyterHubSystemConfig } from '../../../../shared/config.js';
import type { SpawnerDeps } from '../../spawner/kind-module.js';
import { HubAddress } from './address.js';
import { JupyterHubApi } from './api.js';
import { connectHub, type HubClient } from './client.js';
import { HubApiError } from './hub-api-error.js';
import type { UserModel } from './models.js';
import { HubRest } from './rest.js';

export async function testHubConnection(settings: JupyterHubSystemConfig, deps: SpawnerDeps): Promise<ConnectionReport> {
  // One attempt per request: a test answers now, where a launch would wait out the retries.
  const config = { ...settings, retries: 1 };
  const address = new HubAddress(config, deps.pool);
  try {
    const version = await new JupyterHubApi(new HubRest({ retries: 1, retryDelay: 0, apiBase: () => address.apiBase() })).version();
    // Interactive: without a token it asks for a password, so there is always a client or an error.
    const client = (await connectHub(config, deps, address, { interactive: true })) as HubClient;
    const owner = await client.api.whoAmI();
    const whose = owner.kind === 'service' ? `the service ${owner.name}` : owner.name;
    const facts = [`Reached JupyterHub ${version} at ${config.hub_url}.`, `The API token is ${whose}'s${scopeList(owner)}.`];
    const problems: string[] = [];
    if (owner.scopes && !owner.scopes.some((scope) => /^(admin:)?servers(!|$)/.test(scope))) problems.push('This token cannot start servers: it has no servers scope.');
    const user = config.user ?? owner.name;
    const model = await launchUser(client, user);
    if (model) {
      const named = await namedServers(client, model, config);
      (named.problem ? problems : facts).push(named.text);
    } else if (config.create_user) facts.push(`${user} is not on the hub yet; the first start creates them.`);
    else problems.push(`The hub has no user ${user} that this token can see: set create_user (with an admin token) to have hubtray create them.`);
    return { ok: problems.length === 0, message: [...facts, ...problems].join(' ') };
  } catch (error) {
    const message = errorMessage(error);
    return { ok: false, message: `${message.charAt(0).toUpperCase()}${message.slice(1)}.` };
  } finally {
    await address.close();
  }
}

function scopeList(owner: UserModel): string {
  return owner.scopes ? ` (scopes: ${owner.scopes.length > 0 ? [...owner.scopes].sort().join(', ') : 'none'})` : '';
}

/** Null for a user the hub does not have, or hides from this token. */
async function launchUser(client: HubClient, name: string): Promise<UserModel | null> {
  try {
    return await client.api.user(name);
  } catch (error) {
    if (error instanceof HubApiError && error.status === 404) return null;
    throw error;
  }
}

async function namedServers(client: HubClient, user: UserModel, config: JupyterHubSystemConfig): Promise<{ text: string; problem: boolean }> {
  let absent: string;
  do absent = `hubtray-check-${randomBytes(4).toString('hex')}`;
  while (absent in user.servers);
  const enabled = await client.api.namedServersEnabled(user.name, absent).catch(() => null);
  if (enabled === null) return { text: 'The hub did not show whether it allows named servers.', problem: false };
  if (!enabled) {
    return config.allow_named_servers
      ? { text: 'The hub has named servers off, but allow_named_servers is on here: a named server would be refused.', problem: true }
      : { text: 'The hub has named servers off.', problem: false };
  }
  // JupyterHub's API does not report named_server_limit_per_user (its home page states it, but takes no token).
  const count = Object.keys(user.servers).filter(Boolean).length;
  const limit = config.named_server_limit_per_user;
  const mine = limit === 0 ? 'no limit is set here' : `named_server_limit_per_user here is ${limit}${count >= limit ? ', so hubtray starts no new one until one is removed' : ''}`;
  return { text: `Named servers are on; ${user.name} has ${count} (the hub's API does not show its own limit; ${mine}).`, problem: false };
}
