// Picks the bridge for where the page runs: Electron's preload exposes `window.hubtray`; a browser has the token.
import { preloadGlobal, type PreloadApi } from '../../../shared/ipc.js';
import type { Bridge } from './bridge.js';
import { electronBridge } from './electron-bridge.js';
import { httpBridge } from './http-bridge.js';
import { takeToken } from './token.js';

export type { Bridge, ConnectionStatus } from './bridge.js';

/** The bridge, or null in a browser that arrived without a token (not through the address `hubtray serve` printed). */
export function createBridge(): Bridge | null {
  const preload = (window as unknown as Record<string, PreloadApi | undefined>)[preloadGlobal];
  if (preload) return electronBridge(preload);
  const token = takeToken(window.location, window.history, window.sessionStorage);
  return token ? httpBridge(window.location.origin, token) : null;
}
