// Picks the bridge for where the page runs: Electron's preload exposes `window.hubtray`; a browser has the token.
import { preloadGlobal, type PreloadApi } from '../../../shared/ipc.js';
import type { Bridge } from './bridge.js';
import { electronBridge } from './electron-bridge.js';
import { httpBridge } from './http-bridge.js';
import { takeToken, watchToken } from './token.js';

export type { Bridge, ConnectionStatus } from './bridge.js';

/** The bridge, or null in a browser that arrived without a token (not through the address `hubtray serve` printed). */
export function createBridge(): Bridge | null {
  const preload = (window as unknown as Record<string, PreloadApi | undefined>)[preloadGlobal];
  if (preload) return electronBridge(preload);
  const token = takeToken(window.location, window.history, window.sessionStorage);
  if (!token) {
    // The page that asked for its access link starts once it is given one: it has no bridge to hand a token to.
    watchToken(window, () => window.location.reload());
    return null;
  }
  const bridge = httpBridge(window.location.origin, token);
  // A newly pasted address (after `hubtray serve --new-token`) lets this page back in where it is, without a reload.
  watchToken(window, (next) => bridge.reauthenticate(next));
  return bridge;
}
