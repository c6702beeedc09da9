// `outpost`: a JupyterHub Outpost (seed 000) starts the lab; hubtray is its hub, through the personal hub API.
import type { OutpostSystemConfig } from '../../../../shared/config.js';
import { OutpostSpawner } from './outpost-spawner.js';
import type { SystemKindModule } from '../../spawner/kind-module.js';

export const kind: SystemKindModule<OutpostSystemConfig> = {
  spawner: (config, deps) => new OutpostSpawner(config, deps),
  liveForm: (config, deps) => new OutpostSpawner(config, deps).form(),
};
