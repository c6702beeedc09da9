// `jupyterhub`: servers on a JupyterHub the user has an account on, launched the BinderHub-Launcher way, and the
// servers the user started there by other means, listed next to hubtray's own.
import type { JupyterHubSystemConfig } from '../../../../shared/config.js';
import { testHubConnection } from './connection-test.js';
import { discoverHubServers } from './discover.js';
import { JupyterHubSpawner } from './hub-spawner.js';
import type { SystemKindModule } from '../../spawner/kind-module.js';

export const kind: SystemKindModule<JupyterHubSystemConfig> = {
  spawner: (config, deps) => new JupyterHubSpawner(config, deps),
  discover: discoverHubServers,
  testConnection: testHubConnection,
};
