// `local`: LocalProcessSpawner semantics on this computer.
import type { LocalSystemConfig } from '../../../../shared/config.js';
import { LocalHost } from './local-host.js';
import { testShellHost } from '../../shell-spawner/command-check.js';
import { ShellSpawner } from '../../shell-spawner/shell-spawner.js';
import type { SystemKindModule } from '../../spawner/kind-module.js';

export const kind: SystemKindModule<LocalSystemConfig> = {
  spawner: (config, { runRoot, pool }) => new ShellSpawner(config, new LocalHost(runRoot), pool),
  testConnection: (config, { runRoot }) => testShellHost(new LocalHost(runRoot), config),
};
