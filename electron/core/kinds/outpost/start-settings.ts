// The settings one start uses: the system's, then group_overrides for the groups that apply (JupyterHub 5's
// Spawner.group_overrides: sorted by key, dicts merged recursively, null removes a key), then what
// apply_user_options_hook makes of the user options (the seed's callable apply_user_options). A person on a desktop
// has no hub groups, so the groups are named profiles: those the system lists in `groups`, and those picked in the
// form's `groups` field.
import { describeZodError } from '../../../../shared/api.js';
import { OutpostSystem, type OutpostSystemConfig } from '../../../../shared/config.js';
import type { FormSchema } from '../../../../shared/forms.js';
import { GROUPS_FIELD } from '../../../../shared/kinds/outpost.js';
import { isHookRef } from '../../../../shared/kinds/settings.js';
import type { Hooks } from '../../hooks/hooks.js';
import type { HookSpawner } from './resolver.js';

export async function startSettings(config: OutpostSystemConfig, userOptions: Record<string, unknown>, hooks: Hooks, spawner: () => HookSpawner): Promise<OutpostSystemConfig> {
  let current: Record<string, unknown> = { ...config };
  const overrides = isHookRef(config.group_overrides) ? await hooks.call('group_overrides', config.group_overrides.hook, [spawner()]) : config.group_overrides;
  const groups = new Set([...config.groups, ...picked(userOptions[GROUPS_FIELD])]);
  for (const [key, override] of Object.entries(asRecord(overrides, 'group_overrides')).sort(([a], [b]) => a.localeCompare(b))) {
    const entry = asRecord(override, `group_overrides.${key}`);
    const members = Array.isArray(entry.groups) ? entry.groups : [];
    if (!members.some((group) => groups.has(String(group)))) continue;
    const values: Record<string, unknown> = {};
    for (const [setting, value] of Object.entries(asRecord(entry.spawner_override ?? {}, `group_overrides.${key}.spawner_override`))) {
      // A value may be a hook that computes it from the spawner, as the seed's callables do.
      values[setting] = isHookRef(value) ? await hooks.call(`group_overrides.${key}.spawner_override.${setting}`, value.hook, [spawner()]) : value;
    }
    current = checked(merge(current, values), `group_overrides "${key}"`);
  }
  if (config.apply_user_options_hook) {
    const answer = await hooks.call('apply_user_options_hook', config.apply_user_options_hook.hook, [spawner(), structuredClone(userOptions)]);
    if (answer !== undefined && answer !== null) current = checked(merge(current, asRecord(answer, 'the answer of apply_user_options_hook')), 'apply_user_options_hook');
  }
  return current as OutpostSystemConfig;
}

/**
 * What the start's settings changed against the system's, setting by setting (null: removed), for the server's
 * state: a hubtray restarted later polls and stops the server with the settings it was started with.
 */
export function overridesOf(system: OutpostSystemConfig, start: OutpostSystemConfig): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  const was = system as Record<string, unknown>;
  const now = start as Record<string, unknown>;
  for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (JSON.stringify(was[key]) !== JSON.stringify(now[key])) changed[key] = now[key] ?? null;
  }
  return changed;
}

/** The system's settings with a start's overrides (overridesOf) put back; null when they no longer fit the system. */
export function withOverrides(system: OutpostSystemConfig, overrides: Record<string, unknown>): OutpostSystemConfig | null {
  const settings: Record<string, unknown> = { ...system };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete settings[key];
    else settings[key] = value;
  }
  const parsed = OutpostSystem.safeParse(settings);
  return parsed.success ? parsed.data : null;
}

/** The form's groups field offering every group group_overrides names (a configured dict only; a hook is asked at a start). */
export function groupsForm(form: FormSchema, config: OutpostSystemConfig): FormSchema {
  if (isHookRef(config.group_overrides)) return form;
  const names = [...new Set(Object.values(config.group_overrides).flatMap((o) => o.groups))].sort();
  if (names.length === 0) return form;
  return {
    fields: form.fields.map((field) =>
      field.name === GROUPS_FIELD ? { name: field.name, type: 'select', multiple: true, choices: names.map((value) => ({ value })), ...(field.label ? { label: field.label } : {}) } : field,
    ),
  };
}

/** Dicts merged key by key, as group_overrides merges them; null removes a key. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key]) && !isHookRef(value)) out[key] = merge(out[key] as Record<string, unknown>, value);
    else out[key] = value;
  }
  return out;
}

function checked(settings: Record<string, unknown>, what: string): Record<string, unknown> {
  const parsed = OutpostSystem.safeParse(settings);
  if (!parsed.success) throw new Error(`${what} makes the settings invalid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

function picked(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Error(`${what} must be an object`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
