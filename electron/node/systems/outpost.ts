// `outpost`: a JupyterHub Outpost (seed 000) starts the lab; hubtray is its hub, through the personal hub API.
import { OutpostSystem, type OutpostSystemConfig } from '../../../shared/config.js';
import { isHookRef } from '../../../shared/outpost-settings.js';
import { OutpostSpawner } from '../outpost/outpost-spawner.js';
import type { SystemKindModule } from './system-kind.js';

export const outpostKind: SystemKindModule<OutpostSystemConfig> = {
  schema: OutpostSystem,
  describe: (config) => {
    const where = isHookRef(config.request_url) ? `the address hooks.mjs gives (${config.request_url.hook})` : config.request_url;
    const through = config.ssh_node && !isHookRef(config.ssh_node) ? `, reached through ${config.ssh_node}` : '';
    return `JupyterLab from the JupyterHub Outpost at ${where}${through}`;
  },
  spawner: (config, deps) => new OutpostSpawner(config, deps),
  liveForm: (config, deps) => new OutpostSpawner(config, deps).form(),
};
