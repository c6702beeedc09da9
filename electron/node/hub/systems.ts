// The configured systems: what each offers (its options form) and how to build a spawner for it.
import { HubError, type SystemInfo } from '../../../shared/api.js';
import { applyUserOptions, type HubConfig, type SystemConfig } from '../../../shared/config.js';
import type { Spawner } from '../spawners/spawner.js';
import { kindOf } from '../systems/registry.js';
import type { SpawnerDeps } from '../systems/system-kind.js';

export class Systems {
  constructor(
    private readonly config: HubConfig,
    private readonly deps: SpawnerDeps,
  ) {}

  names(): string[] {
    return Object.keys(this.config.systems);
  }

  async info(name: string, remembered: Pick<SystemInfo, 'lastOptions' | 'presets'>): Promise<SystemInfo> {
    const system = this.get(name);
    const kind = kindOf(system);
    return {
      name,
      kind: system.kind,
      description: system.description ?? kind.describe(system),
      // The form as the system offers it right now (a cluster's partitions), where its kind can tell.
      form: kind.liveForm ? await kind.liveForm(system, this.deps).catch(() => system.options_form) : system.options_form,
      ...remembered,
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
      return applyUserOptions(system, kindOf(system).schema, userOptions);
    } catch (error) {
      throw new HubError('bad-request', (error as Error).message);
    }
  }

  spawner(settings: SystemConfig): Spawner {
    return kindOf(settings).spawner(settings, this.deps);
  }
}
