// With nothing configured, hubtray still offers something useful: Jupyter on this computer, when it is installed.
import { LocalSystem, type HubConfig } from '../../../shared/config.js';
import type { Which } from './find-on-path.js';

export const THIS_COMPUTER = 'This computer';

export function withEmbeddedDefault(config: HubConfig, which: Which): HubConfig {
  if (Object.keys(config.systems).length > 0 || which('jupyter') === null) return config;
  // No cmd: the local spawner's default command applies, and it runs `jupyter` from the same PATH.
  const local = LocalSystem.parse({ kind: 'local', description: 'JupyterLab on this computer' });
  return { ...config, systems: { [THIS_COMPUTER]: local } };
}
