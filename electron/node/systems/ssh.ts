// `ssh`: a server on an SSH host, detached there and reached through a tunnel.
import { SshSystem, type SshSystemConfig } from '../../../shared/config.js';
import type { SshTarget } from '../ssh/ssh-target.js';
import { ShellSpawner } from '../spawners/shell-spawner.js';
import { SshHost } from '../spawners/ssh-host.js';
import type { SystemKindModule } from './system-kind.js';

export const sshKind: SystemKindModule<SshSystemConfig> = {
  schema: SshSystem,
  describe: (config) => `JupyterLab on ${config.host} over SSH`,
  spawner: (config, { pool }) => new ShellSpawner(config, new SshHost(pool, sshTarget(config))),
};

/** The SSH settings every kind that reaches a host over SSH shares. */
export function sshTarget(system: Pick<SshSystemConfig, 'host' | 'user' | 'port' | 'identity_file' | 'connect_timeout' | 'keepalive_interval' | 'keepalive_count_max'>): SshTarget {
  return {
    host: system.host,
    ...(system.user !== undefined ? { user: system.user } : {}),
    ...(system.port !== undefined ? { port: system.port } : {}),
    ...(system.identity_file !== undefined ? { identityFile: system.identity_file } : {}),
    connectTimeoutSeconds: system.connect_timeout,
    keepaliveIntervalSeconds: system.keepalive_interval,
    keepaliveCountMax: system.keepalive_count_max,
  };
}
