// The servers the user runs on a hub that hubtray does not list yet (started on the hub's own page, or by another
// hubtray): each gets a token of its own, as a launch would, so it can be opened and stopped from hubtray. Runs in
// the background, so it never asks for a password: without a stored token there is nothing to find yet.
import type { JupyterHubSystemConfig } from '../../../shared/config.js';
import type { JsonObject } from '../spawners/spawner.js';
import type { DiscoveredServer, SpawnerDeps } from '../systems/system-kind.js';
import { serverAccess } from './access.js';
import { HubAddress } from './address.js';
import { connectHub, hubUser } from './client.js';
import { hubServerState, sameHubServer } from './server-state.js';

export async function discoverHubServers(config: JupyterHubSystemConfig, deps: SpawnerDeps, known: JsonObject[]): Promise<DiscoveredServer[]> {
  const address = new HubAddress(config, deps.pool);
  try {
    const client = await connectHub(config, deps, address, { interactive: false });
    if (!client) return [];
    const user = await hubUser(client, config);
    const servers = Object.values((await client.api.user(user)).servers);
    const found: DiscoveredServer[] = [];
    for (const model of servers) {
      const server = model.name;
      if (!model.ready || known.some((state) => sameHubServer(state, { hub: config.hub_url, user, server }))) continue;
      const access = await serverAccess(client, user, server, model.url);
      found.push({
        name: server || 'default',
        state: hubServerState({ hub: config.hub_url, user, server, url: model.url, token_id: access.tokenId, login: access.login }),
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
