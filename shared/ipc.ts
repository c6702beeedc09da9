// The Electron IPC, derived from the one contract in api.ts: a channel per Hub method, one for the Hub's events,
// and one for the only thing the window may ask of the shell itself (opening a server in the system browser). The
// preload, the main process and the renderer all take the names from here, so they cannot drift apart.
import { methods, type ApiError, type MethodName } from './api.js';

export const methodChannel = (method: MethodName) => `hubtray:call:${method}` as const;
export const methodNames = Object.keys(methods) as MethodName[];
export const eventChannel = 'hubtray:event';
/** Asks the main process to send every current server as a `server` event, then the live events, to this window. */
export const subscribeChannel = 'hubtray:subscribe';
export const openServerChannel = 'hubtray:open-server';
/** Follows (or stops following) one server's log for this window; its pieces come on logChannel. */
export const followLogChannel = 'hubtray:follow-log';
export const unfollowLogChannel = 'hubtray:unfollow-log';
export const logChannel = 'hubtray:log';

/** What the preload exposes on `window.hubtray`. */
export const preloadGlobal = 'hubtray';

/**
 * Replies travel as values, not as rejections: Electron flattens an Error thrown in a handler into a message prefixed
 * with its own text, and its code is lost.
 */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: ApiError };

export interface PreloadApi {
  call(method: string, args: unknown): Promise<IpcReply>;
  /** Starts with every current server as a `server` event, like the local API's event socket. Returns an unsubscribe. */
  onEvent(listener: (event: unknown) => void): () => void;
  openServer(name: string): Promise<IpcReply>;
  /**
   * Follows server NAME's log: `listener` gets its `log` events (unchecked, like onEvent's); `failed` why it could
   * not be followed. Returns the stop.
   */
  followLog(name: string, listener: (event: unknown) => void, failed: (message: string) => void): () => void;
}
