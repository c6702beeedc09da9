// Where hubtray keeps its files. The tray app and the CLI must find the same folder, so the default mirrors
// Electron's app.getPath('userData') for an app named "hubtray" without importing electron.
import { chmod, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const APP = 'hubtray';

export interface HubPaths {
  home: string;
  /** The user's systems (config.json). */
  config: string;
  /** Servers and remembered options, rewritten atomically (state.json). */
  state: string;
  /** How the CLI finds the running hub's local API (hub.json, 0600). */
  discovery: string;
  logs: string;
}

export function hubtrayHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, homedir: string = os.homedir()): string {
  const api = platform === 'win32' ? path.win32 : path.posix;
  if (env.HUBTRAY_HOME) return api.resolve(env.HUBTRAY_HOME);
  switch (platform) {
    case 'darwin':
      return api.join(homedir, 'Library', 'Application Support', APP);
    case 'win32':
      return api.join(env.APPDATA ?? api.join(homedir, 'AppData', 'Roaming'), APP);
    default:
      return api.join(env.XDG_CONFIG_HOME || api.join(homedir, '.config'), APP);
  }
}

/** The named files under a home (by default hubtrayHome()). */
export function hubPaths(home: string = hubtrayHome()): HubPaths {
  return {
    home,
    config: path.join(home, 'config.json'),
    state: path.join(home, 'state.json'),
    discovery: path.join(home, 'hub.json'),
    logs: path.join(home, 'logs'),
  };
}

/** Creates the home and its logs folder, private to the user: they hold the API token and server records. */
export async function ensureHubHome(paths: HubPaths = hubPaths()): Promise<HubPaths> {
  await mkdir(paths.logs, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and skips folders that already exist, so it is set explicitly.
  await chmod(paths.home, 0o700);
  await chmod(paths.logs, 0o700);
  return paths;
}
