// The one interface the renderer talks through, whatever it runs in: Electron's preload (IPC) or a plain browser
// (the local API over fetch and WebSocket). Views never know which.
import type { HubEvent, LogChunk, MethodArgs, MethodName, MethodResult } from '../../../shared/api.js';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

export interface Bridge {
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>;
  /**
   * Hears the Hub's events. Each (re)connection, reported through `status`, starts with every current server as a
   * `server` event, so a subscriber never has to fetch the list. The returned function unsubscribes.
   */
  subscribe(listener: (event: HubEvent) => void, status: (status: ConnectionStatus) => void): () => void;
  /**
   * Opens a running server, logged in, in the browser. Call it synchronously from the click that asks for it: a
   * browser only lets a page open a tab while handling a user's gesture. `note` says when the page is not logged in
   * by itself (e.g. a JupyterHub's login page).
   */
  openServer(name: string): Promise<{ note?: string }>;
  /**
   * Follows server NAME's log: its newest part first, then each piece as it grows. `failed` says why it cannot be
   * followed (a server hubtray does not know). The returned function stops following.
   */
  followLog(name: string, listener: (chunk: LogChunk) => void, failed: (message: string) => void): () => void;
}
