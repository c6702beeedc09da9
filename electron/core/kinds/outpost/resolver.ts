// An Outpost setting's value at the moment it is needed: the configured value, or what its hook returns, checked
// against the setting's own schema so that a hook returning nonsense fails with the setting's name instead of deep
// inside a request. Hooks get OutpostSpawner's arguments: a `spawner` description first, then the seed's own.
import { describeZodError } from '../../../../shared/api.js';
import type { OutpostSystemConfig } from '../../../../shared/config.js';
import { outpostSettingsShape } from '../../../../shared/kinds/outpost.js';
import { isHookRef, type HookRef } from '../../../../shared/kinds/settings.js';
import { HookError, type Hooks } from '../../hooks/hooks.js';

/** What a hook sees as `spawner` (a snapshot: changing it changes nothing). */
export interface HookSpawner {
  name: string;
  user: { name: string; id: number };
  user_options: Record<string, unknown>;
  start_id: string;
  port: number;
  port_forward_info: Record<string, unknown>;
}

type Setting = keyof typeof outpostSettingsShape & keyof OutpostSystemConfig;
/** The value a setting has once its hook, if any, has run. */
export type Resolved<K extends Setting> = Exclude<OutpostSystemConfig[K], HookRef>;

/** Settings that are only ever a hook (no plain value): filter_events, pre_poll_hook, … */
type HookOnly = { [K in Setting]: Exclude<OutpostSystemConfig[K], undefined> extends HookRef ? K : never }[Setting];

export class SettingResolver {
  constructor(
    private readonly config: OutpostSystemConfig,
    private readonly hooks: Hooks,
    private readonly spawner: () => HookSpawner,
  ) {}

  /** The setting's value; a hook is called with the spawner and `args`, and its answer checked like a configured value. */
  async value<K extends Setting>(setting: K, ...args: unknown[]): Promise<Resolved<K>> {
    const configured = this.config[setting];
    if (!isHookRef(configured)) return configured as Resolved<K>;
    const answer = await this.hooks.call(setting, configured.hook, [this.spawner(), ...args]);
    // A hook that returns nothing (undefined) gets the setting's default; None (null) stays null where that means something.
    const parsed = outpostSettingsShape[setting].safeParse(answer);
    if (!parsed.success || isHookRef(parsed.data)) {
      throw new HookError(`hook ${setting} (${configured.hook}) returned ${JSON.stringify(answer)?.slice(0, 200)}, which is not a valid ${setting}${parsed.success ? '' : `: ${describeZodError(parsed.error)}`}`);
    }
    return parsed.data as Resolved<K>;
  }

  /**
   * For a setting whose hook answers something else than its plain value (ssh_node_mapping's hook maps one node, its
   * dict maps many): the hook's raw answer, or undefined when the setting is not a hook.
   */
  async hookAnswer(setting: Setting, ...args: unknown[]): Promise<unknown> {
    const configured = this.config[setting];
    return isHookRef(configured) ? this.hooks.call(setting, configured.hook, [this.spawner(), ...args]) : undefined;
  }

  /** Whether a hook-only setting is configured. */
  has(setting: HookOnly): boolean {
    return this.config[setting] !== undefined;
  }

  /** Runs a hook-only setting's hook with the spawner and `args`; undefined when it is not configured. */
  async run(setting: HookOnly, ...args: unknown[]): Promise<unknown> {
    const ref = this.config[setting] as HookRef | undefined;
    if (!ref) return undefined;
    return this.hooks.call(setting, ref.hook, [this.spawner(), ...args]);
  }
}
