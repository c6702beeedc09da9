// The configured systems: what each offers (its options form) and how to build a spawner for it.
import { HubError, type SystemInfo } from '../../../shared/api.js';
import {
  applyUserOptions,
  LocalSystem,
  SshSystem,
  type HubConfig,
  type SpawnerSettings,
  type SshSystemConfig,
  type SystemConfig,
} from '../../../shared/config.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import type { SshTarget } from '../ssh/ssh-target.js';
import { LocalHost } from '../spawners/local-host.js';
import { ShellSpawner } from '../spawners/shell-spawner.js';
import type { Spawner } from '../spawners/spawner.js';
import { SshHost } from '../spawners/ssh-host.js';

export class Systems {
  constructor(
    private readonly config: HubConfig,
    private readonly pool: SshPool,
    private readonly runRoot: string,
  ) {}

  names(): string[] {
    return Object.keys(this.config.systems);
  }

  info(name: string, lastOptions: Record<string, unknown>): SystemInfo {
    const system = this.get(name);
    return {
      name,
      kind: system.kind,
      description: system.description ?? (system.kind === 'local' ? 'JupyterLab on this computer' : `JupyterLab on ${system.host} over SSH`),
      form: system.options_form,
      lastOptions,
    };
  }

  get(name: string): SystemConfig {
    const system = this.config.systems[name];
    if (!system) throw new HubError('not-found', `no system named "${name}"; configured: ${this.names().join(', ') || 'none'}`);
    return system;
  }

  /** The system's settings with the user's options applied (apply_user_options). */
  settings(name: string, userOptions: Record<string, unknown>): SystemConfig {
    const system = this.get(name);
    try {
      return system.kind === 'local'
        ? applyUserOptions(system, LocalSystem, userOptions)
        : applyUserOptions(system, SshSystem, userOptions);
    } catch (error) {
      throw new HubError('bad-request', (error as Error).message);
    }
  }

  spawner(settings: SystemConfig): Spawner {
    const host = settings.kind === 'local' ? new LocalHost(this.runRoot) : new SshHost(this.pool, sshTarget(settings));
    return new ShellSpawner(settings satisfies SpawnerSettings, host);
  }
}

export function sshTarget(system: SshSystemConfig): SshTarget {
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
