// The servers the user runs on a hub that hubtray does not list yet (started on the hub's own page, or by another
// hubtray): each gets a token of its own, as a launch would, so it can be opened and stopped from hubtray. Runs in
// the background, so it never asks for a password: without a stored token there is nothing to find yet.
import type { JupyterHubSystemConfig } from '../../../../shared/config.js';
import type { JsonObject } from '../../spawner/spawner.js';
import type { DiscoveredServer, SpawnerDeps } from '../../spawner/kind-module.js';
import { serverAccess } from './access.js';
import { HubAddress } from './address.js';
import { label } from './api.js';
import { connectHub, hubUser } from './client.js';
import { pathOnHub } from './origin.js';
import { hubServerState, sameHubServer } from './server-state.js';

export async function discoverHubServers(config: JupyterHubSystemConfig, deps: SpawnerDeps, known: JsonObject[]): Promise<DiscoveredServer[]> {
  const address = new HubAddress(config, deps.pool);
  try {
    const client = await connectHub(config, deps, address, { interactive: false });
    if (!client) return [];
    const user = await hubUser(client, config);
    // Every URL is checked before any token is made: a hub that names another origin for one server is trusted with none.
    const servers = Object.values((await client.api.user(user)).servers)
      .filter((model) => model.ready && !known.some((state) => sameHubServer(state, { hub: config.hub_url, user, server: model.name })))
      .map((model) => ({ model, url: pathOnHub(model.url, label(user, model.name)) }));
    const found: DiscoveredServer[] = [];
    for (const { model, url } of servers) {
      const server = model.name;
      const access = await serverAccess(client, user, server, url);
      found.push({
        name: server || 'default',
        state: hubServerState({ hub: config.hub_url, user, server, url, token_id: access.tokenId, login: access.login }),
        token: access.token,
        userOptions: model.user_options ?? {},
        startedAt: model.started ?? null,
      });
    }
    return found;
  } finally {
    await address.close();
  }
}
