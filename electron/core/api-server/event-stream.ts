// The event half of the local API: one WebSocket per subscriber, carrying `{event, data}` frames: the Hub's events,
// or (`/api/events?follow=NAME`) the pieces of one server's log as it grows, for as long as the socket is open.
import { WebSocket } from 'ws';
import { HubError, ServerName, type HubApi, type HubEvent, type HubEventSource, type LogFollowing } from '../../../shared/api.js';
import { followHub } from '../boundary/follow-hub.js';
import { toHttpError } from '../boundary/http-error.js';
import { closeCodeOf } from '../../../shared/http.js';

/** A subscriber that reads slower than the hub talks is cut off rather than buffered without bound. */
const maxBufferedBytes = 8 * 1024 * 1024;

/** Streams the hub's events to `ws`, as `followHub` delivers them. */
export function streamEvents(ws: WebSocket, hub: HubApi & HubEventSource): void {
  const send = sender(ws);
  const unsubscribe = followHub(hub, send, () => ws.close(1011, 'hubtray could not list its servers'));
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate());
}

/**
 * Streams server `name`'s log to `ws` until either side closes. A server the hub does not know closes the socket
 * with the error's code (closeCodeOf) and its message as the reason.
 */
export function streamLog(ws: WebSocket, hub: LogFollowing, name: string): void {
  const send = sender(ws);
  let leave: () => void;
  try {
    if (!ServerName.safeParse(name).success) throw new HubError('bad-request', `"${name.slice(0, 64)}" is not a server name`);
    leave = hub.followLog(name, (chunk) => send({ event: 'log', data: chunk }));
  } catch (error) {
    const refusal = toHttpError(error, `following the log of ${name}`);
    // A close reason is at most 123 bytes.
    ws.close(closeCodeOf(refusal.code), Buffer.from(refusal.message).subarray(0, 123).toString());
    return;
  }
  ws.on('close', leave);
  ws.on('error', () => ws.terminate());
}

function sender(ws: WebSocket): (event: HubEvent) => void {
  return (event) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(event));
  };
}
