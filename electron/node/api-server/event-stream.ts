// The event half of the local API: one WebSocket per subscriber, carrying `{event, data}` frames.
import { WebSocket } from 'ws';
import type { HubApi, HubEvent, HubEventSource } from '../../../shared/api.js';
import { invoke } from './invoke.js';

/** A subscriber that reads slower than the hub talks is cut off rather than buffered without bound. */
const maxBufferedBytes = 8 * 1024 * 1024;

/** Streams the hub's events to `ws`, as `followHub` delivers them. */
export function streamEvents(ws: WebSocket, hub: HubApi & HubEventSource): void {
  const send = (event: HubEvent) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(event));
  };
  const unsubscribe = followHub(hub, send, () => ws.close(1011, 'hubtray could not list its servers'));
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate());
}

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
