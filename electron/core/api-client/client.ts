// A typed HubApi over the local API. The methods are generated from the contract's method table, so a method
// added to shared/api.ts is available here with no code of its own, and validated the same way.
import {
  methods,
  parseArgs,
  parseResult,
  type HubApi,
  type HubEvent,
  type LogChunk,
  type MethodName,
} from '../../../shared/api.js';
import { apiPaths } from '../../../shared/http.js';
import { z } from 'zod';
import type { EventSocket, SubscribeOptions } from './event-socket.js';
import { httpTransport } from './transport.js';

export type { SubscribeOptions } from './event-socket.js';

export interface HubClient extends HubApi {
  /** The hub's API URL, without the token. */
  readonly url: string;
  /** Resolves once subscribed; the returned function unsubscribes. Current servers arrive first, as `server` events. */
  subscribe(listener: (event: HubEvent) => void, options?: SubscribeOptions): Promise<() => Promise<void>>;
  /**
   * Follows server NAME's log: its newest part first, then each piece as it grows (`log` events). Resolves once
   * the hub follows it; a server the hub does not know ends it at once, through `options.onClose`.
   */
  followLog(name: string, listener: (chunk: LogChunk) => void, options?: SubscribeOptions): Promise<() => Promise<void>>;
  /** A single-use link for a browser; unlike `open`'s URL it carries no token (see api-server/launch-links.ts). */
  launchLink(name: string): Promise<string>;
  close(): Promise<void>;
}

export function createHubClient(url: string, token: string): HubClient {
  const transport = httpTransport(url, token);
  const sockets = new Set<EventSocket>();
  const keep = (socket: EventSocket) => {
    sockets.add(socket);
    return () => {
      sockets.delete(socket);
      return socket.unsubscribe();
    };
  };
  const api: Partial<Record<MethodName, (args: unknown) => Promise<unknown>>> = {};
  for (const method of Object.keys(methods) as MethodName[]) {
    api[method] = async (args) => parseResult(method, await transport.call(method, parseArgs(method, args)));
  }
  return {
    ...(api as HubApi),
    url,
    async launchLink(name) {
      const reply = z.object({ url: z.string() }).parse(await transport.post(apiPaths.launch(name), {}));
      return reply.url;
    },
    async subscribe(listener, options) {
      const { openEventSocket } = await import('./event-socket.js');
      return keep(await openEventSocket(url, token, listener, options));
    },
    async followLog(name, listener, options) {
      const { openEventSocket } = await import('./event-socket.js');
      const socket = await openEventSocket(url, token, (event) => event.event === 'log' && listener(event.data), options, apiPaths.followLog(name));
      return keep(socket);
    },
    async close() {
      await Promise.all([...sockets].map((socket) => socket.unsubscribe()));
      sockets.clear();
      await transport.close();
    },
  };
}
