// `jupyterhub`: servers on a JupyterHub the user has an account on, launched the BinderHub-Launcher way, and the
// servers the user started there by other means, listed next to hubtray's own.
import { JupyterHubSystem, type JupyterHubSystemConfig } from '../../../shared/config.js';
import { discoverHubServers } from '../jupyterhub/discover.js';
import { JupyterHubSpawner } from '../jupyterhub/hub-spawner.js';
import type { SystemKindModule } from './system-kind.js';

export const jupyterhubKind: SystemKindModule<JupyterHubSystemConfig> = {
  schema: JupyterHubSystem,
  describe: (config) => `JupyterHub at ${config.hub_url}${config.ssh ? ` through ${config.ssh.host}` : ''}`,
  spawner: (config, deps) => new JupyterHubSpawner(config, deps),
  discover: discoverHubServers,
};
