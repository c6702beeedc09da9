// The Hub's events as every event face (the local API's WebSocket, Electron's IPC) hands them on: the current
// servers first, then each event in order.
import type { HubApi, HubEvent, HubEventSource } from '../../../shared/api.js';
import { invoke } from './invoke.js';

/**
 * Hands `send` every current server as a `server` event, so that a subscriber never misses state, then every
 * event as it happens. Events that happen while that snapshot is being taken are held and sent after it, so a
 * newer state always arrives after an older one. Every event face (the WebSocket, Electron's IPC) uses this.
 * Returns the unsubscribe.
 */
export function followHub(hub: HubApi & HubEventSource, send: (event: HubEvent) => void, failed: () => void): () => void {
  let held: HubEvent[] | null = [];
  const unsubscribe = hub.subscribe((event) => (held ? held.push(event) : send(event)));
  invoke(hub, 'listServers', {}).then(
    (servers) => {
      for (const server of servers) send({ event: 'server', data: server });
      for (const event of held ?? []) send(event);
      held = null;
    },
    () => failed(),
  );
  return unsubscribe;
}
