// The configured systems: what each offers (its options form), how to build a spawner for it, how to test it.
import { HubError, type ConnectionReport, type SystemInfo } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { applyUserOptions, describeSystem, SystemConfig, type HubConfig } from '../../../shared/config.js';
import type { FormSchema } from '../../../shared/forms.js';
import type { Spawner } from '../spawner/spawner.js';
import { kindOf } from '../kinds/registry.js';
import type { SpawnerDeps } from '../spawner/kind-module.js';

/** What a system last said of its form: none yet (null: the configured one), and why it may not be current. */
export interface OfferedForm {
  form: FormSchema | null;
  problem: string | null;
}

export class Systems {
  constructor(
    private readonly config: HubConfig,
    private readonly deps: SpawnerDeps,
  ) {}

  names(): string[] {
    return Object.keys(this.config.systems);
  }

  configs(): SystemConfig[] {
    return Object.values(this.config.systems);
  }

  info(name: string, remembered: Pick<SystemInfo, 'lastOptions' | 'presets' | 'lastUsed' | 'address'>, offered: OfferedForm): SystemInfo {
    const system = this.get(name);
    const description = system.description ?? describeSystem(system);
    return {
      name,
      kind: system.kind,
      // Every face shows the description, so the problem reaches the tray, the window and `hubtray systems` alike.
      description: offered.problem ? `${description} (${offered.problem})` : description,
      form: offered.form ?? system.options_form,
      ...remembered,
    };
  }

  /** The form as the system offers it right now (a cluster's partitions), where its kind can tell; else null. */
  liveForm(name: string): Promise<FormSchema> | null {
    const system = this.get(name);
    const kind = kindOf(system);
    return kind.liveForm ? kind.liveForm(system, this.deps) : null;
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
      return applyUserOptions(system, SystemConfig, userOptions);
    } catch (error) {
      throw new HubError('bad-request', errorMessage(error));
    }
  }

  spawner(settings: SystemConfig): Spawner {
    return kindOf(settings).spawner(settings, this.deps);
  }

  /** "Test connection": each kind tests its systems its own way; one that cannot test by itself says so. */
  async test(settings: SystemConfig): Promise<ConnectionReport> {
    const kind = kindOf(settings);
    if (!kind.testConnection) return { ok: false, message: `hubtray cannot test ${settings.kind} systems by itself yet; start a server on one to try it` };
    return kind.testConnection(settings, this.deps);
  }
}
