// `local`: LocalProcessSpawner semantics on this computer.
import { LocalSystem, type LocalSystemConfig } from '../../../shared/config.js';
import { LocalHost } from '../spawners/local-host.js';
import { ShellSpawner } from '../spawners/shell-spawner.js';
import type { SystemKindModule } from './system-kind.js';

export const localKind: SystemKindModule<LocalSystemConfig> = {
  schema: LocalSystem,
  describe: () => 'JupyterLab on this computer',
  spawner: (config, { runRoot }) => new ShellSpawner(config, new LocalHost(runRoot)),
};
