// With nothing configured, hubtray still offers something useful: Jupyter on this computer, when it is installed.
import { LocalSystem, type HubConfig } from '../../../shared/config.js';
import type { Which } from './find-on-path.js';

export const THIS_COMPUTER = 'This computer';

export function withEmbeddedDefault(config: HubConfig, which: Which, isRoot = process.getuid?.() === 0): HubConfig {
  if (Object.keys(config.systems).length > 0 || which('jupyter') === null) return config;
  // JupyterLab when it is installed; otherwise the Jupyter server that is (Debian, for one, ships no JupyterLab).
  const app = which('jupyter-lab') !== null ? 'lab' : which('jupyter-server') !== null ? 'server' : 'notebook';
  const local = LocalSystem.parse({
    kind: 'local',
    description: app === 'lab' ? 'JupyterLab on this computer' : `Jupyter ${app} on this computer`,
    cmd: ['jupyter', app],
    // Jupyter refuses to run as root without it; someone running hubtray as root has chosen to.
    args: isRoot ? ['--allow-root'] : [],
  });
  return { ...config, systems: { [THIS_COMPUTER]: local } };
}
