// Every command but `serve` talks to the running hub, and must let go of it (sockets, pools) to let the process exit.
import { connectHub } from '../api-client/connect.js';
import type { HubClient } from '../api-client/client.js';

export async function withHub<T>(use: (hub: HubClient) => Promise<T>): Promise<T> {
  const hub = await connectHub();
  try {
    return await use(hub);
  } finally {
    await hub.close();
  }
}
