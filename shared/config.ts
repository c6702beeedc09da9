// config.json: the user's systems, each of one kind (shared/kinds/), and hubtray's own top-level settings.
import { z } from 'zod';
import { CodedError, SystemName, describeZodError } from './api.js';
import { kindDescriptor, kindSchemas } from './kinds/registry.js';
import { Seconds, type CommonSettings } from './kinds/settings.js';

// Where each kind's settings are, for the modules that read config.json as a whole.
export { CommonSettings, EnvironmentSettings, SpawnerSettings, SshHostSettings, SshTransport } from './kinds/settings.js';
export { LocalSystem, type LocalSystemConfig } from './kinds/local.js';
export { SshSystem, type SshSystemConfig } from './kinds/ssh.js';
export { JupyterHubSystem, type JupyterHubSystemConfig } from './kinds/jupyterhub.js';
export { SlurmSystem, type SlurmSystemConfig } from './kinds/slurm.js';
export { OutpostSystem, type OutpostSystemConfig } from './kinds/outpost.js';

/** One system's settings: the union of every kind's (shared/kinds/), told apart by `kind`. */
export const SystemConfig = z.discriminatedUnion('kind', kindSchemas);
export type SystemConfig = z.infer<typeof SystemConfig>;

/** A system's description for people, as its kind words it. */
export function describeSystem(system: SystemConfig): string {
  const descriptor = kindDescriptor(system.kind) as { describe(config: SystemConfig): string } | undefined;
  return descriptor?.describe(system) ?? system.kind;
}

export const HubConfig = z
  .object({
    $schema: z.string().optional(),
    systems: z.record(SystemName, SystemConfig).default({}),
    /** How long a passphrase, password or 2FA prompt waits for an answer. */
    prompt_timeout: Seconds.default(120),
  })
  .strict();
export type HubConfig = z.infer<typeof HubConfig>;

export class ConfigError extends CodedError {
  constructor(message: string) {
    super('bad-request', message);
    this.name = 'ConfigError';
  }
}

export function parseConfig(value: unknown, source = 'config.json'): HubConfig {
  const parsed = HubConfig.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${source}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** The JSON Schema published for editors (`docs/config.schema.json`). */
export function configJsonSchema(): unknown {
  // VS Code's keywords for JSON with comments: config.json may have comments and trailing commas, as its settings do.
  return { ...z.toJSONSchema(HubConfig, { io: 'input', unrepresentable: 'any' }), allowComments: true, allowTrailingCommas: true };
}

/**
 * JupyterHub 5.3's `apply_user_options` dict mode: a user option may set the one setting it is mapped to, and a
 * string is coerced the way traitlets' `from_string` would (so "2G" or "30" from a form field work).
 */
export function applyUserOptions<S extends CommonSettings>(settings: S, schema: z.ZodType<S>, userOptions: Record<string, unknown>): S {
  const next: Record<string, unknown> = { ...settings };
  for (const [field, setting] of Object.entries(settings.apply_user_options)) {
    if (!(field in userOptions)) continue;
    next[setting] = fromString(userOptions[field]);
  }
  const parsed = schema.safeParse(next);
  if (!parsed.success) throw new ConfigError(`user options: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

function fromString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}
